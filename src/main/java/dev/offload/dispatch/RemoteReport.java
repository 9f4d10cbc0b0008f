package dev.offload.dispatch;

import java.time.Duration;
import java.util.UUID;

/**
 * What a remote worker reports about an attempt it holds, by the attempt's lease token: its
 * progress, that it completed (with its result as JSON text), that it failed (retried after {@code
 * retryIn} if given, else after the backoff; or never, if {@code discard}), or that it hands the
 * task back (the attempt not counted).
 */
public record RemoteReport(
    UUID taskId,
    UUID leaseToken,
    Type type,
    double progress,
    String resultJson,
    String error,
    Duration retryIn,
    boolean discard) {

  public enum Type {
    PROGRESS,
    COMPLETE,
    FAIL,
    RELEASE
  }

  public static RemoteReport progress(UUID taskId, UUID token, double progress) {
    return new RemoteReport(taskId, token, Type.PROGRESS, progress, null, null, null, false);
  }

  public static RemoteReport complete(UUID taskId, UUID token, String resultJson) {
    return new RemoteReport(taskId, token, Type.COMPLETE, 0, resultJson, null, null, false);
  }

  public static RemoteReport fail(
      UUID taskId, UUID token, String error, Duration retryIn, boolean discard) {
    return new RemoteReport(taskId, token, Type.FAIL, 0, null, error, retryIn, discard);
  }

  public static RemoteReport release(UUID taskId, UUID token) {
    return new RemoteReport(taskId, token, Type.RELEASE, 0, null, null, null, false);
  }
}
