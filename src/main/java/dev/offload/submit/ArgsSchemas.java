package dev.offload.submit;

import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.json.schema.Validator;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;

/**
 * The JSON Schemas (draft 2020-12) that remote kinds give for their args, with vertx-json-schema: a
 * schema is checked against the draft's own meta-schema when a worker registers it ({@link
 * #check}), and args against it at each submission ({@link RemoteKind}). A failure is told by its
 * most specific error, named by the field it is about.
 */
public final class ArgsSchemas {

  static final JsonSchemaOptions OPTIONS =
      new JsonSchemaOptions()
          .setDraft(Draft.DRAFT202012)
          .setBaseUri("urn:offload:kind")
          .setOutputFormat(OutputFormat.Basic);

  private static final String META = "https://json-schema.org/draft/2020-12/";

  /** The meta-schema's parts, as vertx-json-schema ships them in its jar. */
  private static final List<String> META_PARTS =
      List.of(
          "schema",
          "meta/core",
          "meta/applicator",
          "meta/unevaluated",
          "meta/validation",
          "meta/meta-data",
          "meta/format-annotation",
          "meta/content");

  /** Read once from the classpath, a few small files. */
  private static final class Meta {
    static final Validator VALIDATOR = load();

    private static Validator load() {
      SchemaRepository repository = SchemaRepository.create(OPTIONS);
      for (String part : META_PARTS) {
        String path = "json-schema.org/draft/2020-12/" + part;
        try (InputStream in = ArgsSchemas.class.getClassLoader().getResourceAsStream(path)) {
          if (in == null) {
            throw new IllegalStateException("no " + path + " on the classpath");
          }
          repository.dereference(
              META + part,
              JsonSchema.of(new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8))));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      return repository.validator(META + "schema");
    }
  }

  private ArgsSchemas() {}

  /**
   * @throws IllegalArgumentException naming the part of {@code schema} that is not a valid JSON
   *     Schema, e.g. {@code args_schema.properties.width.minimum: Instance type string is invalid}
   */
  public static void check(JsonObject schema) {
    OutputUnit result = Meta.VALIDATOR.validate(schema);
    if (!Boolean.TRUE.equals(result.getValid())) {
      throw new IllegalArgumentException(describe(result, "args_schema"));
    }
  }

  /**
   * A failed validation's most specific error (the deepest field, then the deepest keyword), as
   * {@code <root>.<field path>: <error>}.
   */
  static String describe(OutputUnit result, String root) {
    OutputUnit error =
        result.getErrors() == null || result.getErrors().isEmpty()
            ? result
            : result.getErrors().stream()
                .max(
                    Comparator.comparingInt((OutputUnit unit) -> depth(unit.getInstanceLocation()))
                        .thenComparingInt(unit -> depth(unit.getKeywordLocation())))
                .orElseThrow();
    return field(root, error.getInstanceLocation()) + ": " + error.getError();
  }

  private static int depth(String location) {
    return location == null ? 0 : location.split("/").length;
  }

  /** {@code #/size/width} under {@code args} as {@code args.size.width}. */
  private static String field(String root, String instanceLocation) {
    if (instanceLocation == null) {
      return root;
    }
    String path =
        instanceLocation.startsWith("#") ? instanceLocation.substring(1) : instanceLocation;
    return root + path.replace('/', '.');
  }
}
