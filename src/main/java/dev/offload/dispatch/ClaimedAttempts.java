package dev.offload.dispatch;

import dev.offload.store.RemoteAttempt;
import java.util.List;

/** The answer to a {@link RemoteClaim}: the attempts claimed for the worker, maybe none. */
public record ClaimedAttempts(List<RemoteAttempt> attempts) {}
