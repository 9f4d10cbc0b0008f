package dev.offload.config;

import java.time.Duration;

/**
 * This node: its name (shown in {@code attempted_by}), its role, and how long a SIGTERM lets
 * running attempts and HTTP requests finish before the rest is handed back.
 */
public record NodeConfig(String id, NodeRole role, Duration shutdownGrace) {}
