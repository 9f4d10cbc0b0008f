package dev.offload.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ThumbnailsTest {

  static byte[] image(int width, int height, String format, int type) throws IOException {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int x = 0; x < width; x += 7) {
      for (int y = 0; y < height; y += 5) {
        image.setRGB(x, y, (x * 31 + y * 17) & 0xFFFFFF);
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ImageIO.write(image, format, bytes);
    return bytes.toByteArray();
  }

  @Test
  void a_png_is_resized_to_the_width_keeping_its_aspect_ratio() throws IOException {
    Thumbnails.Thumbnail thumbnail =
        Thumbnails.resize(image(800, 600, "png", BufferedImage.TYPE_INT_RGB), 200, 0);

    assertEquals(200, thumbnail.width());
    assertEquals(150, thumbnail.height());
    BufferedImage png = ImageIO.read(new ByteArrayInputStream(thumbnail.png()));
    assertEquals(200, png.getWidth());
    assertEquals(150, png.getHeight());
    assertEquals(800, thumbnail.sourceWidth());
  }

  @Test
  void a_jpeg_is_resized_to_both_sides_when_both_are_given() throws IOException {
    Thumbnails.Thumbnail thumbnail =
        Thumbnails.resize(image(640, 480, "jpg", BufferedImage.TYPE_INT_RGB), 64, 64);

    assertEquals(64, ImageIO.read(new ByteArrayInputStream(thumbnail.png())).getHeight());
  }

  @Test
  void bytes_that_are_no_image_are_refused() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> Thumbnails.resize("hello".getBytes(), 10, 0));
    assertTrue(e.getMessage().contains("not an image"), e.getMessage());
  }

  @Test
  void an_image_of_too_many_pixels_is_refused_before_it_is_decoded() throws IOException {
    byte[] huge =
        image(
            10_000, 4_100, "png", BufferedImage.TYPE_BYTE_BINARY); // small file, 41 million pixels

    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Thumbnails.resize(huge, 10, 0));
    assertTrue(e.getMessage().contains("pixels"), e.getMessage());
  }
}
