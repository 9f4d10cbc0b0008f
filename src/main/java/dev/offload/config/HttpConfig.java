package dev.offload.config;

/** The HTTP verticles: where they listen, how many run, and how much body a request may carry. */
public record HttpConfig(String host, int port, int instances, int bodyLimit, int acceptBacklog) {
}
