package dev.offload.files;

import java.util.UUID;

/** A complete file: its id, content type and size in bytes. */
public record StoredFile(UUID id, String contentType, long size) {}
