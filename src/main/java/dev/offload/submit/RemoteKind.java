package dev.offload.submit;

import dev.offload.task.RemoteTaskHandler;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.Validator;

/**
 * A kind that remote workers run, as submissions see it: its tasks go to the remote lane, and its
 * args must meet its JSON Schema (draft 2020-12), if it has one, checked by vertx-json-schema.
 */
public final class RemoteKind implements RemoteTaskHandler {

  private final String kind;
  private final JsonObject argsSchema;
  private final Validator validator;

  /**
   * @param argsSchema null: any args
   */
  public RemoteKind(String kind, JsonObject argsSchema) {
    this.kind = kind;
    this.argsSchema = argsSchema;
    this.validator =
        argsSchema == null
            ? null
            : Validator.create(JsonSchema.of(argsSchema), ArgsSchemas.OPTIONS);
  }

  @Override
  public String kind() {
    return kind;
  }

  /** The JSON Schema of its args, or null. */
  public JsonObject argsSchema() {
    return argsSchema;
  }

  /**
   * @throws IllegalArgumentException naming the field at fault (the most specific error the
   *     validator found), e.g. {@code args.width: 0 is less than 1}
   */
  @Override
  public void validate(JsonObject args) {
    if (validator == null) {
      return;
    }
    OutputUnit result;
    try {
      result = validator.validate(args);
    } catch (RuntimeException e) { // a schema the validator cannot apply (an unresolvable $ref)
      throw new IllegalArgumentException(
          "args: the kind's schema cannot be applied: " + e.getMessage());
    }
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new IllegalArgumentException(ArgsSchemas.describe(result, "args"));
    }
  }
}
