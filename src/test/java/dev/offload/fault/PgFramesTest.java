package dev.offload.fault;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.offload.fault.PgFrames.Frame;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cutting PostgreSQL's wire protocol into messages, as the fault suite's link reads it. */
class PgFramesTest {

  @Test
  void a_client_stream_is_cut_into_its_startup_message_then_typed_messages_however_it_arrives() {
    Buffer startup = Buffer.buffer().appendInt(9).appendInt(196608).appendByte((byte) 0);
    Buffer parse = typed('P', "s1\0SELECT 1\0".getBytes(), new byte[] {0, 0});
    Buffer bind = typed('B', "\0s1\0".getBytes(), new byte[] {0, 0, 0, 0, 0, 0});
    Buffer sync = typed('S');
    Buffer stream =
        Buffer.buffer()
            .appendBuffer(startup)
            .appendBuffer(parse)
            .appendBuffer(bind)
            .appendBuffer(sync);

    PgFrames frames = PgFrames.fromClient();
    List<Frame> messages = new ArrayList<>();
    for (int at = 0; at < stream.length(); at += 3) {
      messages.addAll(frames.add(stream.getBuffer(at, Math.min(at + 3, stream.length()))));
    }

    assertEquals(List.of((char) 0, 'P', 'B', 'S'), messages.stream().map(Frame::type).toList());
    assertEquals(startup, messages.get(0).bytes());
    assertEquals("s1", messages.get(1).string(0));
    assertEquals("SELECT 1", messages.get(1).string(1));
    assertEquals("s1", messages.get(2).string(1));
  }

  @Test
  void an_encryption_request_is_answered_by_one_byte_then_the_startup_follows() {
    PgFrames client = PgFrames.fromClient();
    Frame request = client.add(Buffer.buffer().appendInt(8).appendInt(80877103)).get(0);
    assertTrue(request.asksForEncryption());
    client.expectUntyped();
    PgFrames server = PgFrames.fromServer();
    server.expectSingleByte();

    List<Frame> answer = server.add(Buffer.buffer("N").appendBuffer(typed('R', new byte[4])));
    assertEquals(List.of('N', 'R'), answer.stream().map(Frame::type).toList());
    Frame startup = client.add(Buffer.buffer().appendInt(8).appendInt(196608)).get(0);
    assertEquals(0, startup.type());
  }

  private static Buffer typed(char type, byte[]... parts) {
    Buffer body = Buffer.buffer();
    for (byte[] part : parts) {
      body.appendBytes(part);
    }
    return Buffer.buffer().appendByte((byte) type).appendInt(4 + body.length()).appendBuffer(body);
  }
}
