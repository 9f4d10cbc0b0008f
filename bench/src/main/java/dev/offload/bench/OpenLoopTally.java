package dev.offload.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.TimeoutException;

/**
 * The outcomes of an open-loop run against a node that may refuse work: the accepted requests (the expected status)
 * and the refused ones (503) in latency histograms of their own, and every other outcome counted as an error: any
 * other status, a 503 without {@code Retry-After} or with another error code than the expected one, a timeout, a
 * broken connection, a request never sent. Synchronized: the figures are read after the run, on another thread.
 */
final class OpenLoopTally {

  private static final int REFUSED = 503;

  /** A response as the generator read it. */
  record Answer(int status, String retryAfter, Buffer body) {
  }

  private final int acceptedStatus;
  private final String refusedCode;
  private final LoadStats accepted = new LoadStats();
  private final LoadStats refused = new LoadStats();
  // The same answers timed from when they left the generator: what the server's side took, queueing on the
  // connection included, without the wait in the generator for an idle connection.
  private final LoadStats acceptedFromSend = new LoadStats();
  private final LoadStats refusedFromSend = new LoadStats();
  private final LoadStats sendDelays = new LoadStats();
  private final ErrorTally unexpected = new ErrorTally();
  private int otherStatuses;
  private int refusedOtherCode;
  private int refusedWithoutRetryAfter;
  private int timeouts;
  private int failures;
  private int connectFailures;
  private long unsent;

  /** {@code refusedCode}: the error code every 503 must carry, e.g. {@code overloaded}. */
  OpenLoopTally(int acceptedStatus, String refusedCode) {
    this.acceptedStatus = acceptedStatus;
    this.refusedCode = refusedCode;
  }

  /**
   * A request left {@code lateNanos} after it was due: held back for want of an idle connection,
   * or by the generator's own lag (its timer, its CPU). Large values mean the generator, not only
   * the server, shaped the latencies.
   */
  synchronized void sent(long lateNanos) {
    sendDelays.success(lateNanos);
  }

  /**
   * @param nanos         from when the request was due
   * @param sentNanos     from when it left the generator
   */
  synchronized void answered(Answer answer, long nanos, long sentNanos) {
    if (answer.status() == acceptedStatus) {
      accepted.success(nanos);
      acceptedFromSend.success(sentNanos);
      return;
    }
    if (answer.status() != REFUSED) {
      otherStatuses++;
      unexpected.add(new UnexpectedResponseException("answered " + answer.status() + ": " + Http.excerpt(answer.body())));
      return;
    }
    refused.success(nanos);
    refusedFromSend.success(sentNanos);
    String code = errorCode(answer.body());
    if (!refusedCode.equals(code)) {
      refusedOtherCode++;
      unexpected.add(new UnexpectedResponseException("503 with error code " + code));
    }
    if (answer.retryAfter() == null) {
      refusedWithoutRetryAfter++;
      unexpected.add(new UnexpectedResponseException("503 without Retry-After"));
    }
  }

  synchronized void failed(Throwable cause) {
    if (cause instanceof TimeoutException) {
      timeouts++;
    } else {
      failures++;
    }
    unexpected.add(cause);
  }

  synchronized void connectFailures(int count) {
    connectFailures += count;
  }

  synchronized void unsent(long count) {
    unsent += count;
  }

  /** The figures: {@code seconds}, from the first request due to the last answer, turns counts into rates. */
  synchronized JsonObject figures(double seconds) {
    unexpected.log("open loop");
    long answered = accepted.ok() + refused.ok();
    long errors = otherStatuses + refusedOtherCode + refusedWithoutRetryAfter + timeouts + failures + connectFailures
      + unsent;
    return new JsonObject()
      .put("accepted", accepted.ok())
      .put("accepted_per_s", LoadResult.round1(accepted.ok() / seconds))
      .put("accepted_p50_ms", accepted.percentileMillis(50))
      .put("accepted_p99_ms", accepted.percentileMillis(99))
      .put("accepted_max_ms", accepted.maxMillis())
      .put("refused", refused.ok())
      .put("refused_pct", answered == 0 ? null : LoadResult.round1(100.0 * refused.ok() / answered))
      .put("refused_p50_ms", refused.percentileMillis(50))
      .put("refused_p99_ms", refused.percentileMillis(99))
      .put("refused_max_ms", refused.maxMillis())
      .put("accepted_sent_p50_ms", acceptedFromSend.percentileMillis(50))
      .put("accepted_sent_p99_ms", acceptedFromSend.percentileMillis(99))
      .put("refused_sent_p50_ms", refusedFromSend.percentileMillis(50))
      .put("refused_sent_p99_ms", refusedFromSend.percentileMillis(99))
      .put("refused_other_code", refusedOtherCode)
      .put("refused_without_retry_after", refusedWithoutRetryAfter)
      .put("other_statuses", otherStatuses)
      .put("timeouts", timeouts)
      .put("failures", failures + connectFailures + unsent)
      .put("send_delay_p99_ms", sendDelays.percentileMillis(99))
      .put("send_delay_max_ms", sendDelays.maxMillis())
      .put("errors", errors);
  }

  private static String errorCode(Buffer body) {
    try {
      JsonObject error = new JsonObject(body).getJsonObject("error");
      return error == null ? null : error.getString("code");
    } catch (DecodeException | ClassCastException e) {
      return null;
    }
  }
}
