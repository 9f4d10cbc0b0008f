package dev.offload.store;

/** The statements about the database itself, sent before Offload's schema exists. */
final class DatabaseSql {

  private DatabaseSql() {}

  /**
   * Creates the database named by {@code %s}, an identifier already quoted by the driver ({@code
   * PGConnection#escapeIdentifier}): CREATE DATABASE takes no bound parameters, and must be sent
   * from a connection to another database, outside a transaction block.
   */
  static final String DATABASE_CREATE = "CREATE DATABASE %s";
}
