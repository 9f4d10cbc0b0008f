package dev.offload.api;

import dev.offload.store.DatabaseStatus;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Answers 503 on routes that need the database while the node's database part is not ready. */
public final class RequireDatabase implements Handler<RoutingContext> {

  /** The error code of a 503 for want of the database, here and when a statement finds it gone. */
  public static final String UNAVAILABLE = "database_unavailable";

  private final DatabaseStatus database;

  public RequireDatabase(DatabaseStatus database) {
    this.database = database;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!database.isReady()) {
      throw new ApiError(
          503,
          UNAVAILABLE,
          "the database is not ready yet (" + database.lastFailure() + "); try again shortly");
    }
    ctx.next();
  }
}
