package dev.offload.api;

import dev.offload.store.DatabaseStatus;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/** Answers 503 on routes that need the database while the node's database part is not ready. */
public final class RequireDatabase implements Handler<RoutingContext> {

  private final DatabaseStatus database;

  public RequireDatabase(DatabaseStatus database) {
    this.database = database;
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (!database.isReady()) {
      throw new ApiError(
          503,
          "database_unavailable",
          "the database is not ready yet (" + database.lastFailure() + "); try again shortly");
    }
    ctx.next();
  }
}
