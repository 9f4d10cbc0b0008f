package dev.offload.testing;

import dev.offload.NodeVertxOptions;
import dev.offload.OffloadNode;
import dev.offload.config.ConfigLoader;
import dev.offload.config.OffloadConfig;
import dev.offload.dispatch.DispatchMode;
import dev.offload.task.TaskHandlers;
import dev.offload.tracing.Tracing;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real Offload nodes for a test class, as db-scheduler's and River's test helpers give: a migrated
 * schema of the class's own ({@link PgTestDatabase}), emptied before each test and dropped after
 * the class; nodes on port 0, each in a Vert.x of its own (with the options a node's configuration
 * gives, {@link NodeVertxOptions}) with a {@link TestNode#client() client}; and {@code submit} and
 * {@code await} on the first node running. Register it in a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final OffloadNodeExtension offload = OffloadNodeExtension.withNode().workers(1);
 * }</pre>
 *
 * {@link #withNode()} starts one node before the class's tests and stops it after them; {@link
 * #withoutNode()} leaves the starting to the tests ({@link #start(Map)}). A node started in a test
 * (or in a {@code @BeforeEach}) is stopped after that test; one started in a {@code @BeforeAll},
 * after the class. Nodes are started with {@link #env(String, String) the extension's settings},
 * then the per-node ones.
 */
public final class OffloadNodeExtension
    implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback, AfterEachCallback {

  /** Nothing listens on port 1, so every connection attempt is refused at once. */
  public static final String UNREACHABLE_DATABASE = "postgresql://postgres@127.0.0.1:1/none";

  private final boolean nodeForClass;
  private final Map<String, String> env = new HashMap<>();
  private Clock clock = Clock.systemUTC();
  private TaskHandlers handlers;
  private boolean truncateBeforeEach = true;
  private boolean databaseReachable = true;
  private SpanExporter spans;

  private Class<?> owner;

  /** The test's own Vert.x, for SQL, fake servers and proxies; nodes have theirs. */
  private Vertx vertx;

  private PgTestDatabase database;
  private final List<TestNode> classNodes = new ArrayList<>();
  private final List<TestNode> testNodes = new ArrayList<>();
  private boolean inTest;

  private OffloadNodeExtension(boolean nodeForClass) {
    this.nodeForClass = nodeForClass;
  }

  /** One node for all the tests of the class, started before them. */
  public static OffloadNodeExtension withNode() {
    return new OffloadNodeExtension(true);
  }

  /** The schema only: the tests start their nodes. */
  public static OffloadNodeExtension withoutNode() {
    return new OffloadNodeExtension(false);
  }

  // ---- settings, before the class starts
  // -----------------------------------------------------------------

  /** An {@code OFFLOAD_*} setting for every node (see {@link #config}). */
  public OffloadNodeExtension env(String name, String value) {
    env.put(name, value);
    return this;
  }

  /** {@code all} (the default), {@code api} or {@code worker}. */
  public OffloadNodeExtension role(String role) {
    return env("OFFLOAD_ROLE", role);
  }

  public OffloadNodeExtension workers(int instances) {
    return env("OFFLOAD_WORKER_INSTANCES", String.valueOf(instances));
  }

  /** The nodes' clock, e.g. a {@link MutableClock}; the system clock by default. */
  public OffloadNodeExtension clock(Clock clock) {
    this.clock = clock;
    return this;
  }

  /**
   * The nodes' handlers; by default every handler on the test classpath ({@link
   * TaskHandlers#discover()}).
   */
  public OffloadNodeExtension handlers(TaskHandlers handlers) {
    this.handlers = handlers;
    return this;
  }

  /**
   * Keeps the rows of one test for the next, e.g. the node registry of nodes started once for the
   * class.
   */
  public OffloadNodeExtension keepDataBetweenTests() {
    truncateBeforeEach = false;
    return this;
  }

  /**
   * Nodes whose database never answers ({@link #UNREACHABLE_DATABASE}): no schema is made, and
   * nodes are not waited for beyond their HTTP part.
   */
  public OffloadNodeExtension unreachableDatabase() {
    databaseReachable = false;
    return env("OFFLOAD_DATABASE_URL", UNREACHABLE_DATABASE)
        .env("OFFLOAD_DATABASE_RETRY_INTERVAL", "1m");
  }

  /**
   * Nodes that trace (see {@code dev.offload.tracing.Tracing}), each with an OpenTelemetry SDK of
   * its own, as in a JVM of its own (its resource's {@code service.instance.id} is its node id),
   * all exporting each span to {@code spans} as it ends, e.g. an {@code InMemorySpanExporter}.
   */
  public OffloadNodeExtension tracing(SpanExporter spans) {
    this.spans = spans;
    return this;
  }

  // ---- lifecycle
  // -----------------------------------------------------------------------------------------

  @Override
  public void beforeAll(ExtensionContext context) throws InterruptedException {
    if (owner != null) {
      return; // a @Nested class of the owner: it shares the owner's node and schema
    }
    owner = context.getRequiredTestClass();
    vertx = Vertx.vertx();
    if (databaseReachable) {
      database = PgTestDatabase.create(owner);
    }
    if (nodeForClass) {
      start(Map.of());
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (owner == null) {
      throw new IllegalStateException("register OffloadNodeExtension in a static field");
    }
    inTest = true;
    if (truncateBeforeEach && database != null) {
      database.truncate(vertx);
    }
  }

  @Override
  public void afterEach(ExtensionContext context) {
    inTest = false;
    stopAll(testNodes);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (context.getRequiredTestClass() != owner) {
      return;
    }
    try {
      stopAll(classNodes);
      if (database != null) {
        database.drop(vertx);
      }
    } finally {
      vertx.close().await();
    }
  }

  // ---- nodes
  // ---------------------------------------------------------------------------------------------

  /** Starts a node with the extension's settings and waits until its database part is ready. */
  public TestNode start() throws InterruptedException {
    return start(Map.of());
  }

  /**
   * Starts a node with the extension's settings and these, and waits until its database part is
   * ready.
   */
  public TestNode start(Map<String, String> overrides) throws InterruptedException {
    return start(clock, overrides);
  }

  public TestNode start(Clock clock, Map<String, String> overrides) throws InterruptedException {
    return ready(startWithoutWaiting(clock, overrides, DispatchMode.AUTOMATIC));
  }

  /**
   * Starts a node on {@code clock} whose dispatcher claims only when the test asks ({@link
   * TestNode#cycle}), and waits until its database part is ready: see {@link ManualDispatcher}.
   */
  public TestNode startManual(MutableClock clock, Map<String, String> overrides)
      throws InterruptedException {
    return ready(startWithoutWaiting(clock, overrides, DispatchMode.MANUAL));
  }

  private TestNode ready(TestNode node) throws InterruptedException {
    if (databaseReachable) {
      Eventually.isTrue("the node's database part is ready", node::isDatabaseReady);
    }
    return node;
  }

  /**
   * Starts a node and returns once its HTTP part listens, e.g. for a node whose database is away.
   */
  public TestNode startWithoutWaiting(Map<String, String> overrides) {
    return startWithoutWaiting(clock, overrides, DispatchMode.AUTOMATIC);
  }

  private TestNode startWithoutWaiting(
      Clock clock, Map<String, String> overrides, DispatchMode mode) {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(overrides);
    OffloadConfig config = testConfig(database, all);
    Tracing tracing = spans == null ? Tracing.off() : Tracing.with(tracedAs(config.nodeId()));
    Vertx nodeVertx =
        tracing.install(Vertx.builder().with(NodeVertxOptions.of(config.node()))).build();
    OffloadNode node;
    try {
      node =
          OffloadNode.start(
                  nodeVertx,
                  config,
                  clock,
                  handlers != null ? handlers : TaskHandlers.discover(),
                  mode,
                  tracing)
              .await();
    } catch (RuntimeException e) {
      nodeVertx.close().await();
      throw e;
    }
    TestNode started = new TestNode(nodeVertx, node);
    (inTest ? testNodes : classNodes).add(started);
    return started;
  }

  /**
   * An SDK as the autoconfigure module makes one by default (W3C trace context, every root span
   * sampled), exporting at once: nothing is left in a batch when the test reads the spans. Never
   * shut down: that would shut the test's exporter down too.
   */
  private OpenTelemetrySdk tracedAs(String nodeId) {
    return OpenTelemetrySdk.builder()
        .setTracerProvider(
            SdkTracerProvider.builder()
                .setResource(
                    Resource.getDefault()
                        .merge(
                            Resource.create(
                                Attributes.of(
                                    AttributeKey.stringKey("service.instance.id"), nodeId))))
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build())
        .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
        .build();
  }

  /**
   * Test defaults: one HTTP instance on a free port, four workers, quick polling and retries, no
   * shutdown grace, {@code database}'s schema (if not null); {@code env} overrides. For tests that
   * deploy parts of a node themselves.
   */
  public static OffloadConfig testConfig(PgTestDatabase database, Map<String, String> env) {
    Map<String, String> all =
        new HashMap<>(
            Map.of(
                "OFFLOAD_NODE_ID", "test-node",
                "OFFLOAD_HTTP_PORT", "0",
                "OFFLOAD_HTTP_INSTANCES", "1",
                "OFFLOAD_DATABASE_POOL_SIZE", "4",
                "OFFLOAD_DATABASE_RETRY_INTERVAL", "200ms",
                "OFFLOAD_WORKER_INSTANCES", "4",
                "OFFLOAD_TASKS_POLL_INTERVAL", "200ms",
                "OFFLOAD_TASKS_RETRY_BASE", "10ms"));
    // Stopping a test node hands running attempts back at once; tests of the grace set their own.
    all.put("OFFLOAD_NODE_SHUTDOWN_GRACE", "0s");
    if (database != null) {
      all.put("OFFLOAD_DATABASE_URL", database.config().url());
      all.put("OFFLOAD_DATABASE_SCHEMA", database.schema());
    }
    all.putAll(env);
    return ConfigLoader.load(Optional.empty(), all);
  }

  private static void stopAll(List<TestNode> nodes) {
    // Later nodes first: they may depend on the first (an API node the others were told about).
    for (int i = nodes.size() - 1; i >= 0; i--) {
      nodes.get(i).close();
    }
    nodes.clear();
  }

  /** The first node started that still runs: the class's, else the test's. */
  public TestNode node() {
    List<TestNode> all = new ArrayList<>(classNodes);
    all.addAll(testNodes);
    return all.stream()
        .filter(node -> !node.isStopped())
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no node runs: start one first"));
  }

  // ---- the first node, as tests use it
  // -------------------------------------------------------------------

  public WebClient client() {
    return node().client();
  }

  public String submit(TaskBody task) {
    return node().submit(task);
  }

  public String submit(JsonObject task) {
    return node().submit(task);
  }

  public JsonObject task(String id) {
    return node().task(id);
  }

  public JsonObject await(String id, Predicate<JsonObject> until) throws InterruptedException {
    return node().await(id, until);
  }

  public JsonObject await(String id, Duration wait, Predicate<JsonObject> until)
      throws InterruptedException {
    return node().await(id, wait, until);
  }

  // ---- the database
  // --------------------------------------------------------------------------------------

  /** The test's own Vert.x (not a node's): for fake servers, proxies and SQL. */
  public Vertx vertx() {
    return vertx;
  }

  public PgTestDatabase database() {
    return database;
  }

  /** Runs one statement and waits for it. */
  public RowSet<Row> sql(String sql, Object... params) {
    return database.sql(vertx, sql, params);
  }

  /** How many tasks match the SQL condition {@code where}, e.g. {@code "state = 'completed'"}. */
  public long countTasks(String where) {
    return sql("SELECT count(*) FROM offload_task_all WHERE " + where).iterator().next().getLong(0);
  }
}
