package dev.offload.users;

/**
 * A change to a user, already validated: a null field keeps its stored value; at least one is set.
 */
public record UserPatch(String email, String name) {}
