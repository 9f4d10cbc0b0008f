package dev.offload.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.testing.OffloadNodeExtension;
import dev.offload.testing.Tasks;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An image uploaded, resized by an image.thumbnail task on a real node, and downloaded. */
class ImageRoutesTest {

  @RegisterExtension static final OffloadNodeExtension offload = OffloadNodeExtension.withNode();

  @Test
  void an_uploaded_image_is_resized_and_its_png_downloaded() throws Exception {
    byte[] image = ThumbnailsTest.image(800, 600, "png", BufferedImage.TYPE_INT_RGB);
    HttpResponse<Buffer> accepted =
        client()
            .post("/images/thumbnail?width=200")
            .putHeader("content-type", "image/png")
            .sendBuffer(Buffer.buffer(image))
            .await();
    assertEquals(202, accepted.statusCode(), accepted.bodyAsString());
    String id = accepted.bodyAsJsonObject().getString("id");

    JsonObject done = awaitFinal(id);
    assertEquals("completed", done.getString("state"), done.encode());
    assertEquals(150, done.getJsonObject("result").getInteger("height"));
    HttpResponse<Buffer> png = client().get("/tasks/" + id + "/result").send().await();
    assertEquals("image/png", png.getHeader("content-type"));
    BufferedImage thumbnail = ImageIO.read(new ByteArrayInputStream(png.body().getBytes()));
    assertEquals(200, thumbnail.getWidth());
    assertEquals(150, thumbnail.getHeight());
  }

  @Test
  void bytes_that_are_no_image_discard_the_task_without_retrying() throws Exception {
    String id =
        client()
            .post("/images/thumbnail?width=10")
            .sendBuffer(Buffer.buffer("not an image"))
            .await()
            .bodyAsJsonObject()
            .getString("id");

    JsonObject done = awaitFinal(id);
    assertEquals("discarded", done.getString("state"));
    assertEquals(1, done.getInteger("attempt"));
    assertTrue(
        done.getJsonArray("errors").getJsonObject(0).getString("message").contains("not an image"));
  }

  @Test
  void a_missing_or_bad_size_is_a_400() {
    for (String query :
        new String[] {"", "?width=0", "?width=5000", "?width=abc", "?width=10&height=-1"}) {
      HttpResponse<Buffer> response =
          client().post("/images/thumbnail" + query).sendBuffer(Buffer.buffer("x")).await();
      assertEquals(400, response.statusCode(), query);
      assertEquals(
          "invalid_query", response.bodyAsJsonObject().getJsonObject("error").getString("code"));
    }
  }

  private static WebClient client() {
    return offload.client();
  }

  private static JsonObject awaitFinal(String id) throws InterruptedException {
    return offload.await(id, Duration.ofSeconds(15), Tasks.finished());
  }
}
