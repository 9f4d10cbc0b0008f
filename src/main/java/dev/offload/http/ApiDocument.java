package dev.offload.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * The API's description, {@code openapi/offload.yaml} on the class path (an OpenAPI 3.1 document
 * written by hand, the source), in the forms a node serves: as written, as JSON, and the page that
 * shows it. It also says whether a router serves exactly the operations it describes ({@link
 * #checkRoutes}), so that a node cannot start with a route the document leaves out.
 */
public final class ApiDocument {

  static final String DOCUMENT = "openapi/offload.yaml";
  static final String PAGE = "openapi/docs.html";

  /** The path item keys that are methods (OpenAPI 3.1, 4.8.9). */
  private static final List<String> METHODS =
      List.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static final Pattern PATH_PARAMETER = Pattern.compile(":(\\w+)");

  /** Read once per JVM: parsing the YAML takes a good part of a second before the JIT warms. */
  private static ApiDocument loaded;

  private final Buffer yaml;
  private final JsonObject json;
  private final Buffer encodedJson;
  private final Buffer page;

  private ApiDocument(Buffer yaml, JsonObject json, Buffer page) {
    this.yaml = yaml;
    this.json = json;
    this.encodedJson = json.toBuffer();
    this.page = page;
  }

  /**
   * The document and the page, read from the class path the first time: blocking, call it off the
   * event loop.
   */
  public static synchronized ApiDocument load() {
    if (loaded == null) {
      loaded = read();
    }
    return loaded;
  }

  private static ApiDocument read() {
    byte[] yaml = resource(DOCUMENT);
    Object parsed =
        new Yaml(new SafeConstructor(new LoaderOptions()))
            .load(new String(yaml, StandardCharsets.UTF_8));
    if (!(parsed instanceof Map<?, ?> document)) {
      throw new IllegalStateException(DOCUMENT + " is not a YAML mapping");
    }
    return new ApiDocument(
        Buffer.buffer(yaml), (JsonObject) json(document, ""), Buffer.buffer(resource(PAGE)));
  }

  Buffer yaml() {
    return yaml;
  }

  Buffer json() {
    return encodedJson;
  }

  Buffer page() {
    return page;
  }

  /**
   * Fails, naming every difference, unless each route of {@code router} with a method and a path is
   * an operation of the document, and (if {@code complete}) each operation is such a route: a node
   * that serves the API serves all of it; one of another role, only some.
   */
  void checkRoutes(Router router, boolean complete) {
    Set<String> served = served(router);
    Set<String> documented = operations();
    List<String> differences = new ArrayList<>();
    for (String operation : served) {
      if (!documented.contains(operation)) {
        differences.add(operation + " is served but not described in " + DOCUMENT);
      }
    }
    if (complete) {
      for (String operation : documented) {
        if (!served.contains(operation)) {
          differences.add(operation + " is described in " + DOCUMENT + " but not served");
        }
      }
    }
    if (!differences.isEmpty()) {
      throw new IllegalStateException(String.join("; ", differences));
    }
  }

  /** Every operation of the document, as {@code "GET /tasks/{id}"}. */
  Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    JsonObject paths = json.getJsonObject("paths", new JsonObject());
    for (String path : paths.fieldNames()) {
      for (String method : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(method)) {
          operations.add(method.toUpperCase(Locale.ROOT) + " " + path);
        }
      }
    }
    return operations;
  }

  /**
   * The routes that serve an endpoint (a method and a path), as the document writes them: {@code
   * :id} is {@code {id}}, and the rest of the path a prefix route ({@code /*}) takes is {@code
   * {path}}. Routes for every method (a null list) are the handlers that run before the endpoints.
   */
  private static Set<String> served(Router router) {
    Set<String> served = new TreeSet<>();
    for (Route route : router.getRoutes()) {
      if (route.methods() == null || route.getPath() == null) {
        continue;
      }
      String path = PATH_PARAMETER.matcher(route.getPath()).replaceAll("{$1}");
      if (!route.isExactPath()) {
        path = (path.endsWith("/") ? path : path + "/") + "{path}";
      }
      for (HttpMethod method : route.methods()) {
        served.add(method.name() + " " + path);
      }
    }
    return served;
  }

  /**
   * The JSON value of a YAML node. Only what JSON has is allowed: a timestamp or binary scalar
   * (which YAML resolves to a Java date or bytes) must be quoted in the document.
   */
  private static Object json(Object node, String where) {
    if (node instanceof Map<?, ?> map) {
      JsonObject object = new JsonObject();
      map.forEach((key, value) -> object.put(String.valueOf(key), json(value, where + "/" + key)));
      return object;
    }
    if (node instanceof List<?> list) {
      JsonArray array = new JsonArray();
      for (int i = 0; i < list.size(); i++) {
        array.add(json(list.get(i), where + "/" + i));
      }
      return array;
    }
    if (node == null
        || node instanceof String
        || node instanceof Boolean
        || node instanceof Integer
        || node instanceof Long
        || node instanceof BigInteger
        || node instanceof Double) {
      return node;
    }
    throw new IllegalStateException(
        DOCUMENT + " holds a " + node.getClass().getSimpleName() + " at " + where + ": quote it");
  }

  private static byte[] resource(String name) {
    try (InputStream in = ApiDocument.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException(name + " is not on the class path");
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
