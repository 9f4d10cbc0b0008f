package dev.offload.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The dashboard in a real browser: {@code src/test/browser/dashboard.test.mjs} (node's test runner,
 * Playwright driving Debian's headless Chromium) against a real node that asks for a token. That
 * file says what is checked: tasks submitted over the API appear and progress without a reload, a
 * running task is cancelled from its page, a queue paused and resumed from the Queues view stops
 * and starts being claimed, discarded tasks are retried together, and a screenshot of every view at
 * 1280x800 and at a phone's size lands in {@code target/screenshots}.
 *
 * <p>Its own command, after {@code npm ci} in {@code src/test/browser} and with the {@code
 * chromium} package installed: {@code mvn -B verify -Pbrowser} ({@code .ci/run} does all three).
 */
@Tag("browser")
class DashboardBrowserTest {

  private static final String TOKEN = "browser-" + UUID.randomUUID();
  private static final Path SUITE = Path.of("src", "test", "browser");
  private static final Path SCREENSHOTS = Path.of("target", "screenshots").toAbsolutePath();
  private static final long LIMIT_MINUTES = 5;

  @RegisterExtension
  static final OffloadNodeExtension offload =
      OffloadNodeExtension.withNode()
          .workers(2)
          .env("OFFLOAD_API_TOKEN", TOKEN)
          // A queue with limits, for the Queues view to show.
          .env("OFFLOAD_QUEUES", "{\"emails\": {\"concurrency\": 2, \"global_concurrency\": 4}}");

  @Test
  void the_dashboard_follows_and_controls_a_live_node_in_headless_chromium() throws Exception {
    assertTrue(
        Files.isDirectory(SUITE.resolve("node_modules/playwright-core")),
        "run `npm ci` in " + SUITE + " first");
    Path log = Files.createTempFile("dashboard-browser", ".log");
    ProcessBuilder builder =
        new ProcessBuilder("node", "--test", "--test-reporter=spec", "dashboard.test.mjs")
            .directory(SUITE.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    builder.environment().put("OFFLOAD_URL", "http://127.0.0.1:" + offload.node().httpPort());
    builder.environment().put("OFFLOAD_TOKEN", TOKEN);
    builder.environment().put("SCREENSHOTS", SCREENSHOTS.toString());
    Process process = builder.start();
    boolean ended = process.waitFor(LIMIT_MINUTES, TimeUnit.MINUTES);
    if (!ended) {
      // Chromium first: it is the test runner's child.
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    Files.delete(log);
    System.out.println(output);

    assertTrue(ended, "the browser test ran past " + LIMIT_MINUTES + " minutes:\n" + output);
    assertEquals(0, process.exitValue(), output);
    for (String view : List.of("overview", "tasks", "task", "queues", "nodes")) {
      for (String size : List.of("desktop", "phone")) {
        assertScreenshot(SCREENSHOTS.resolve(size + "-" + view + ".png"));
      }
    }
  }

  private static void assertScreenshot(Path png) throws IOException {
    assertTrue(Files.isRegularFile(png), png + " was not written");
    assertTrue(Files.size(png) > 10_000, png + " is too small to show a view");
  }
}
