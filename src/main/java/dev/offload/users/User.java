package dev.offload.users;

import java.time.Instant;

/** A user as stored. {@code id} is the database's identity, positive and increasing. */
public record User(long id, String email, String name, Instant createdAt, Instant updatedAt) {}
