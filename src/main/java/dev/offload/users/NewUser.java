package dev.offload.users;

/** A user to create, already validated: both values trimmed and within the table's limits. */
public record NewUser(String email, String name) {}
