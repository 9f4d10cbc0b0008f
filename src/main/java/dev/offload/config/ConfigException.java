package dev.offload.config;

/** An invalid setting; the message is one line that names the key, fit to print at start-up. */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, null, false, false);
  }
}
