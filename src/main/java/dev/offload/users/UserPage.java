package dev.offload.users;

import java.util.List;

/**
 * One page of users in id order; {@code next} is the cursor (the last id) of the following page,
 * null on the last.
 */
public record UserPage(List<User> users, Long next) {}
