package dev.offload.config;

import java.time.Duration;

/**
 * This node: its name (shown in {@code attempted_by}), its role, how long a SIGTERM lets running
 * attempts and HTTP requests finish before the rest is handed back, and how long one handler may
 * hold an event loop before Vert.x warns that it is blocked.
 */
public record NodeConfig(
    String id, NodeRole role, Duration shutdownGrace, Duration maxEventLoopBlock) {}
