package dev.offload.users;

import dev.offload.api.ApiError;
import dev.offload.api.RequireDatabase;
import dev.offload.store.DatabaseStatus;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Clock;
import java.util.Optional;

/**
 * {@code /users}: create, read, change, delete and list users (keyset pagination on the id). Mount
 * after the bearer token handler, so that a configured token guards every change; failures go to
 * the router's failure handler as {@link ApiError}s.
 */
public final class UserRoutes {

  private final UserStore store;
  private final DatabaseStatus database;
  private final Clock clock;
  private final int bodyLimit;

  public UserRoutes(UserStore store, DatabaseStatus database, Clock clock, int bodyLimit) {
    this.store = store;
    this.database = database;
    this.clock = clock;
    this.bodyLimit = bodyLimit;
  }

  public void mount(Router router) {
    router.route("/users/*").handler(new RequireDatabase(database)); // also matches /users itself
    router
        .post("/users")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::create);
    router.get("/users").handler(this::list);
    router.get("/users/:id").handler(this::get);
    router
        .patch("/users/:id")
        .handler(BodyHandler.create(false).setBodyLimit(bodyLimit))
        .handler(this::update);
    router.delete("/users/:id").handler(this::delete);
  }

  /** 201 with the user and its Location, once the row is committed. */
  private void create(RoutingContext ctx) {
    NewUser user = UserInput.newUser(ctx);
    store
        .insert(user, clock.instant())
        .recover(UserRoutes::emailTaken)
        .onSuccess(
            created -> {
              ctx.response().setStatusCode(201).putHeader("location", "/users/" + created.id());
              ctx.json(UserJson.of(created));
            })
        .onFailure(ctx::fail);
  }

  private void get(RoutingContext ctx) {
    long id = UserInput.id(ctx);
    store
        .get(id)
        .compose(found -> existing(found, id))
        .onSuccess(user -> ctx.json(UserJson.of(user)))
        .onFailure(ctx::fail);
  }

  private void update(RoutingContext ctx) {
    long id = UserInput.id(ctx);
    UserPatch patch = UserInput.patch(ctx);
    store
        .update(id, patch, clock.instant())
        .recover(UserRoutes::emailTaken)
        .compose(updated -> existing(updated, id))
        .onSuccess(user -> ctx.json(UserJson.of(user)))
        .onFailure(ctx::fail);
  }

  private void delete(RoutingContext ctx) {
    long id = UserInput.id(ctx);
    store
        .delete(id)
        .onSuccess(
            deleted -> {
              if (deleted) {
                ctx.response().setStatusCode(204).end();
              } else {
                ctx.fail(notFound(id));
              }
            })
        .onFailure(ctx::fail);
  }

  private void list(RoutingContext ctx) {
    long after = UserInput.after(ctx);
    int limit = UserInput.limit(ctx);
    store
        .listAfter(after, limit)
        .onSuccess(page -> ctx.json(UserJson.of(page)))
        .onFailure(ctx::fail);
  }

  private static Future<User> existing(Optional<User> user, long id) {
    return user.map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(notFound(id)));
  }

  private static ApiError notFound(long id) {
    return new ApiError(404, "user_not_found", "no user with id " + id);
  }

  /**
   * The unique index on the email refused the row: the client's 409, any other failure stays as it
   * is.
   */
  private static <T> Future<T> emailTaken(Throwable failure) {
    return Future.failedFuture(
        UserStore.isEmailTaken(failure)
            ? new ApiError(
                409,
                "email_taken",
                "another user already has this email address (compared ignoring case)")
            : failure);
  }
}
