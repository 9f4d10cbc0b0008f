package dev.offload.store;

import java.util.Set;
import java.util.UUID;

/**
 * What a write of attempt ends did: how many it wrote (the others were late), and the lease tokens
 * of the remote workers' ends among them.
 */
public record EndsWritten(int written, Set<UUID> tokens) {}
