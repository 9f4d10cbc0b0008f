package dev.offload.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an {@value #HEADER}: the client's, if it sent a sane one (1 to {@value
 * #MAX_LENGTH} visible ASCII characters: no spaces, no control characters that could forge a log
 * line), else a new random UUID. The response carries it back, whatever its status, and the log
 * lines about the request carry it as {@code request_id}. The first handler of the router.
 */
final class RequestIds implements Handler<RoutingContext> {

  static final String HEADER = "X-Request-Id";
  static final int MAX_LENGTH = 128;
  private static final String KEY = "requestId";
  private static final Pattern SANE = Pattern.compile("[\\x21-\\x7e]{1," + MAX_LENGTH + "}");

  @Override
  public void handle(RoutingContext ctx) {
    String id = assign(ctx.request());
    ctx.put(KEY, id);
    ctx.next();
  }

  /**
   * The request's id, put on its response: for requests answered before the router sees them (a
   * malformed one, say).
   */
  static String assign(HttpServerRequest request) {
    String given = request.getHeader(HEADER);
    String id = given != null && SANE.matcher(given).matches() ? given : generate();
    request.response().putHeader(HEADER, id);
    return id;
  }

  /**
   * The id {@link #handle} gave this request; given now to one that failed before any route ran
   * (its path could not be decoded).
   */
  static String of(RoutingContext ctx) {
    String id = ctx.get(KEY);
    if (id == null) {
      id = assign(ctx.request());
      ctx.put(KEY, id);
    }
    return id;
  }

  /**
   * A version 4 UUID from {@link ThreadLocalRandom}: an id to find lines by, not a secret, so it
   * need not come from {@code UUID.randomUUID()}'s SecureRandom, shared by every event loop.
   */
  private static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
    long low = (random.nextLong() & ~(0x3L << 62)) | (0x2L << 62); // IETF variant
    return new UUID(high, low).toString();
  }
}
