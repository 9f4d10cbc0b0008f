package dev.offload.support;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.core.joran.spi.JoranException;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * How the node's log lines are written: plain text, or one JSON object per line for a log
 * collector. Logback writes both; its configuration ({@code logback.xml}) picks the encoder by the
 * property {@value #PROPERTY}.
 */
public enum LogFormat {
  PLAIN,
  JSON;

  /**
   * The property {@code logback.xml} reads; also the environment variable of {@code log.format}.
   */
  public static final String PROPERTY = "OFFLOAD_LOG_FORMAT";

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Writes every line from now on in this format: reloads Logback's configuration (the packaged
   * {@code logback.xml}, or the one {@code -Dlogback.configurationFile} names) with {@value
   * #PROPERTY} set to this format. Logback read its configuration when the first logger was made,
   * before the node's configuration (and a {@code log.format} in a {@code --conf} file) was known.
   * Call it before anything else runs: the reload drops lines logged meanwhile.
   */
  public void use() {
    LoggerContext logback = (LoggerContext) LoggerFactory.getILoggerFactory();
    logback.reset(); // which forgets the context's properties too
    logback.putProperty(PROPERTY, wireName());
    try {
      new ContextInitializer(logback).autoConfig();
    } catch (JoranException e) {
      throw new IllegalStateException("cannot configure logging: " + e.getMessage(), e);
    }
  }
}
