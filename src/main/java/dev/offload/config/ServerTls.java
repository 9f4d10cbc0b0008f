package dev.offload.config;

import java.nio.file.Path;

/**
 * TLS for the HTTP server: a PEM certificate (chain) and its PEM private key (PKCS#8 or PKCS#1).
 */
public record ServerTls(Path certPath, Path keyPath) {}
