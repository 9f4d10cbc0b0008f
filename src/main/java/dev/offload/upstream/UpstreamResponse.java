package dev.offload.upstream;

import io.vertx.core.buffer.Buffer;

/**
 * What an upstream answered, below 500 (a 5xx is a failure, retried): its status, its {@code
 * content-type} (null if it sent none) and its whole body.
 */
public record UpstreamResponse(int status, String contentType, Buffer body) {}
