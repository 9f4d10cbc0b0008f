package dev.offload.users;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * The user resource as clients see it. Times are ISO-8601 UTC; the id and the cursor are JSON
 * numbers.
 */
final class UserJson {

  private UserJson() {}

  static JsonObject of(User user) {
    return new JsonObject()
        .put("id", user.id())
        .put("email", user.email())
        .put("name", user.name())
        .put("created_at", user.createdAt().toString())
        .put("updated_at", user.updatedAt().toString());
  }

  static JsonObject of(UserPage page) {
    JsonArray users = new JsonArray();
    page.users().forEach(user -> users.add(of(user)));
    return new JsonObject().put("users", users).put("next", page.next());
  }
}
