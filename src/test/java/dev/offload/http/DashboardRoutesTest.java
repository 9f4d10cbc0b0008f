package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The dashboard's page and files on a node that asks for a token: open to anyone, served from the
 * jar with a content security policy; and the token a browser's EventSource gives in the query,
 * taken on the event streams and nowhere else. What the page does is DashboardBrowserTest's.
 */
class DashboardRoutesTest {

  private static final String TOKEN = "dashboard-0123456789abcdef";

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode().workers(0).env("OFFLOAD_API_TOKEN", TOKEN);

  private static WebClient client;
  private static HttpClient streams;

  @BeforeAll
  static void clients() {
    client = offload.client();
    // A connection per stream: each is closed unread.
    streams = offload.vertx().createHttpClient(new HttpClientOptions().setKeepAlive(false));
  }

  @AfterAll
  static void closeStreams() {
    streams.close().await();
  }

  @Test
  void the_page_needs_no_token_and_loads_its_modules_from_ui() {
    HttpResponse<Buffer> page = get("/");

    assertEquals(200, page.statusCode());
    assertEquals("text/html; charset=utf-8", page.getHeader("content-type"));
    assertTrue(page.getHeader("content-security-policy").contains("default-src 'self'"));
    assertTrue(page.getHeader("content-security-policy").contains("frame-ancestors 'none'"));
    assertEquals("nosniff", page.getHeader("x-content-type-options"));
    Matcher module =
        Pattern.compile("<script type=\"module\" src=\"(/ui/[^\"]+)\"")
            .matcher(page.bodyAsString());
    assertTrue(module.find(), page.bodyAsString());
    HttpResponse<Buffer> app = get(module.group(1));
    assertEquals(200, app.statusCode());
    assertTrue(
        app.getHeader("content-type").startsWith("text/javascript"), app.headers().toString());
    assertTrue(app.bodyAsString().contains("import"), "an ES module");
  }

  @Test
  void the_vendored_chart_library_may_be_cached_for_good_and_the_dashboards_own_files_may_not() {
    HttpResponse<Buffer> uplot = get("/ui/vendor/uplot-1.6.32/uPlot.esm.js");
    HttpResponse<Buffer> own = get("/ui/views/tasks.js");

    assertEquals(200, uplot.statusCode());
    assertTrue(uplot.getHeader("cache-control").contains("max-age"), uplot.headers().toString());
    assertTrue(get("/ui/vendor/uplot-1.6.32/LICENSE").bodyAsString().contains("MIT License"));
    assertEquals(200, own.statusCode());
    assertNull(own.getHeader("cache-control"), own.headers().toString());
    assertNull(own.getHeader("last-modified"), own.headers().toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"/ui/none.js", "/ui/views/none.js", "/ui/../openapi/offload.yaml"})
  void a_path_that_names_no_file_of_the_dashboard_is_refused(String path) {
    int status = get(path).statusCode();
    // A dot segment takes the path out of /ui/, where the token is asked for.
    assertTrue(status == 404 || status == 401, path + ": " + status);
  }

  @Test
  void a_node_that_serves_no_api_serves_no_dashboard() throws InterruptedException {
    WebClient worker = offload.start(Map.of("OFFLOAD_ROLE", "worker")).client();

    assertEquals(404, worker.get("/").send().await().statusCode());
    assertEquals(404, worker.get("/ui/app.js").send().await().statusCode());
  }

  @Test
  void the_event_streams_take_the_token_in_the_query() {
    assertEquals(200, streamStatus("/events?access_token=" + TOKEN));
    assertEquals(
        404, get("/tasks/" + UUID.randomUUID() + "/events?access_token=" + TOKEN).statusCode());
    assertEquals(401, streamStatus("/events"));
    assertEquals(401, streamStatus("/events?access_token=not-the-token-0123456789"));
  }

  @Test
  void no_other_route_takes_the_token_in_the_query() {
    HttpResponse<Buffer> tasks = get("/tasks?access_token=" + TOKEN);
    HttpResponse<Buffer> queues = get("/queues?access_token=" + TOKEN);

    assertEquals(401, tasks.statusCode(), tasks.bodyAsString());
    assertEquals(401, queues.statusCode(), queues.bodyAsString());
    assertEquals(
        200, client.get("/tasks").bearerTokenAuthentication(TOKEN).send().await().statusCode());
  }

  private static HttpResponse<Buffer> get(String uri) {
    return client.get(uri).send().await();
  }

  /** The status of an event stream's answer; a stream is then closed, unread. */
  private static int streamStatus(String uri) {
    return streams
        .request(HttpMethod.GET, offload.node().httpPort(), "127.0.0.1", uri)
        .compose(request -> request.send())
        // On the response's own event loop, before its body can go by unread.
        .compose(
            response -> {
              if (response.statusCode() != 200) {
                return response.body().map(body -> response.statusCode());
              }
              return response.request().connection().close().map(closed -> 200);
            })
        .await();
  }
}
