package dev.offload.images;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Resizes an image (any format the JDK's ImageIO reads: PNG, JPEG, GIF, BMP) to a PNG thumbnail,
 * keeping its aspect ratio. CPU-bound and blocking: run it on a worker thread, never on an event
 * loop.
 */
final class Thumbnails {

  /**
   * Images larger than this are refused before they are decoded: a small file can unpack to
   * gigabytes.
   */
  static final long MAX_PIXELS = 40_000_000;

  private Thumbnails() {}

  /**
   * @param height 0 to follow the aspect ratio
   * @throws IllegalArgumentException when the bytes are not an image ImageIO can read, or too large
   */
  static Thumbnail resize(byte[] image, int width, int height) {
    BufferedImage source = read(image);
    int targetHeight =
        height > 0
            ? height
            : Math.max(
                1, (int) Math.round((double) source.getHeight() * width / source.getWidth()));
    BufferedImage target = new BufferedImage(width, targetHeight, BufferedImage.TYPE_INT_ARGB);
    Graphics2D graphics = target.createGraphics();
    try {
      graphics.setRenderingHint(
          RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      graphics.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
      graphics.drawImage(source, 0, 0, width, targetHeight, null);
    } finally {
      graphics.dispose();
    }
    ByteArrayOutputStream png = new ByteArrayOutputStream();
    try {
      ImageIO.write(target, "png", png);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Thumbnail(
        png.toByteArray(), width, targetHeight, source.getWidth(), source.getHeight());
  }

  private static BufferedImage read(byte[] image) {
    try (ImageInputStream input = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(input);
      if (input == null || !readers.hasNext()) {
        throw new IllegalArgumentException("not an image the JDK can read (PNG, JPEG, GIF or BMP)");
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(input, true, true);
        long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
        if (pixels > MAX_PIXELS) {
          throw new IllegalArgumentException(
              "the image has " + pixels + " pixels; at most " + MAX_PIXELS);
        }
        return reader.read(0);
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new IllegalArgumentException("the image cannot be decoded: " + e.getMessage());
    }
  }

  /** A PNG and its size, with the size of the image it came from. */
  record Thumbnail(byte[] png, int width, int height, int sourceWidth, int sourceHeight) {}
}
