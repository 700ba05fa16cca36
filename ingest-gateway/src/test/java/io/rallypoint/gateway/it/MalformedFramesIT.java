package io.rallypoint.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.gateway.it.fuzz.RawWebSocket;
import io.rallypoint.gateway.it.fuzz.WireFrames;
import io.rallypoint.testsupport.PostgresSchema;
import io.rallypoint.testsupport.RedisDatabase;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What {@code GatewayFuzzIT} found, one case each, on a raw socket that can send what client libraries refuse to. */
class MalformedFramesIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.migrated();

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Random RANDOM = new Random(7);

  static GatewayServer gateway;

  @BeforeAll
  static void start() {
    gateway = Gateways.start(Gateways.env(db, redis));
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void invalidUtf8InATextMessageClosesWith1007AndIsNotAnswered() throws Exception {
    byte[] head = "{\"type\":\"ping\",\"id\":\"p".getBytes(StandardCharsets.UTF_8);
    byte[] tail = "\"}".getBytes(StandardCharsets.UTF_8);
    for (int attempt = 0; attempt < 40; attempt++) { // the close frame once raced the socket's close
      boolean fragmented = attempt % 2 == 1;
      try (Inbox ana = Inbox.open("ana")) {
        // When ana sends a ping whose id holds 0xFF, a byte UTF-8 never has (in one frame, or in the first of several)
        if (fragmented) { // the bad byte in the first fragment: the rest of the message follows it at once
          ana.socket.write(concat(WireFrames.masked(false, WireFrames.TEXT, concat(head, new byte[] {(byte) 0xFF}), RANDOM),
              WireFrames.masked(true, WireFrames.PING, new byte[] {1}, RANDOM),
              WireFrames.masked(false, WireFrames.CONTINUATION, head, RANDOM),
              WireFrames.masked(true, WireFrames.CONTINUATION, tail, RANDOM)));
        } else {
          ana.socket.write(WireFrames.masked(true, WireFrames.TEXT, concat(head, new byte[] {(byte) 0xFF}, tail), RANDOM));
        }

        // Then the gateway closes the connection with 1007 (RFC 6455: invalid payload data) and answers nothing
        assertThat(ana.socket.closeCode().get(10, TimeUnit.SECONDS)).as("fragmented: " + fragmented).isEqualTo(1007);
        assertThat(ana.frames).isEmpty();
      }
    }
  }

  @Test
  void aProtocolViolationClosesWith1002EveryTime() throws Exception {
    for (int attempt = 0; attempt < 40; attempt++) {
      try (Inbox ana = Inbox.open("ana")) {
        // When ana sends a frame without a mask (a client must mask every frame), then more behind it
        byte[] ping = "{\"type\":\"ping\",\"id\":\"unmasked\"}".getBytes(StandardCharsets.UTF_8);
        ana.socket.write(concat(WireFrames.frame(true, 0, WireFrames.TEXT, ping, null, WireFrames.Length.MINIMAL),
            WireFrames.masked(true, WireFrames.TEXT, ping, RANDOM)));

        // Then the gateway's close frame says why (1002), rather than the socket just ending (1006)
        assertThat(ana.socket.closeCode().get(10, TimeUnit.SECONDS)).isEqualTo(1002);
        assertThat(ana.frames).isEmpty();
      }
    }
  }

  @Test
  void aCloseFrameWhoseReasonIsNotUtf8IsAnsweredWith1007() throws Exception {
    for (int code : new int[] {1000, 1001, 1003, 1008, 1011, 3000, 4000, 4999}) {
      try (Inbox ana = Inbox.open("ana")) {
        // When ana closes with a valid code and a reason holding 0xFF, a byte UTF-8 never has
        ana.socket.write(WireFrames.masked(true, WireFrames.CLOSE,
            WireFrames.closePayload(code, new byte[] {'x', (byte) 0xFF}), RANDOM));

        // Then the gateway's close frame says why (1007, invalid payload data), rather than the socket just ending
        assertThat(ana.socket.closeCode().get(10, TimeUnit.SECONDS)).as("close code %d", code).isEqualTo(1007);
      }
    }
  }

  @Test
  void aCloseFrameWithACodeRfc6455DoesNotAllowOrAOneByteBodyIsAnsweredWith1002() throws Exception {
    for (byte[] payload : new byte[][] {WireFrames.closePayload(999, new byte[0]), WireFrames.closePayload(1005, new byte[0]),
        WireFrames.closePayload(1006, new byte[0]), WireFrames.closePayload(1015, new byte[0]),
        WireFrames.closePayload(2999, new byte[0]), WireFrames.closePayload(5000, new byte[0]), new byte[] {3}}) {
      try (Inbox ana = Inbox.open("ana")) {
        // When ana closes with a code no endpoint may send (or a body too short to hold a code)
        ana.socket.write(WireFrames.masked(true, WireFrames.CLOSE, payload, RANDOM));

        // Then the gateway answers with a close frame saying it was a protocol error
        assertThat(ana.socket.closeCode().get(10, TimeUnit.SECONDS)).as("close payload %s", java.util.Arrays.toString(payload))
            .isEqualTo(1002);
      }
    }
  }

  @Test
  void aCharacterSplitAcrossFragmentsWithAPingBetweenThemIsOneValidMessage() throws Exception {
    try (Inbox ana = Inbox.open("ana")) {
      byte[] text = "{\"type\":\"ping\",\"id\":\"é😀\"}".getBytes(StandardCharsets.UTF_8);
      int insideTheEmoji = text.length - 4;

      // When the message is cut inside its 4-byte emoji, with a WebSocket ping between the halves
      ana.socket.write(WireFrames.masked(false, WireFrames.TEXT, java.util.Arrays.copyOf(text, insideTheEmoji), RANDOM));
      ana.socket.write(WireFrames.masked(true, WireFrames.PING, new byte[] {1, 2}, RANDOM));
      ana.socket.write(WireFrames.masked(true, WireFrames.CONTINUATION,
          java.util.Arrays.copyOfRange(text, insideTheEmoji, text.length), RANDOM));

      // Then the ping is answered, and so is the message, with its id intact
      assertThat(ana.next().path("id").asText()).isEqualTo("é😀");
      assertThat(ana.pongs.poll(10, TimeUnit.SECONDS)).containsExactly(1, 2);
      assertThat(ana.socket.closeCode()).isNotDone();
    }
  }

  @Test
  void anIdWithAnUnpairedSurrogateComesBackAsSent() throws Exception {
    try (Inbox ana = Inbox.open("ana")) {
      // When ana's id holds an unpaired surrogate (valid JSON: a JavaScript string cut in the middle of an emoji)
      ana.socket.sendText("{\"type\":\"ping\",\"id\":\"cut-\\ud83d\"}", RANDOM);
      ana.socket.sendText("{\"type\":\"nope\",\"id\":\"\\udc00-lone\"}", RANDOM);

      // Then both replies carry exactly that id, not a '?' in its place
      assertThat(ana.next().path("id").textValue()).isEqualTo("cut-\ud83d");
      JsonNode error = ana.next();
      assertThat(error.path("code").asText()).isEqualTo("bad_request");
      assertThat(error.path("id").textValue()).isEqualTo("\udc00-lone");
    }
  }

  @Test
  void metadataNestedDeeperThan32LevelsIsRefusedWithTheFramesId() throws Exception {
    String conversation = Gateways.conversation(db, "ana");
    try (Inbox ana = Inbox.open("ana")) {
      // When ana sends metadata nested 33 deep (the gateway's parser would take up to 1,000, but a sync page
      // wraps each message two levels deeper, past what a client's parser reads)
      ana.socket.sendText(send("deep", conversation, "{\"a\":".repeat(32) + "{}" + "}".repeat(32)), RANDOM);

      // Then it is refused bad_request, naming metadata, with its id
      JsonNode refused = ana.next();
      assertThat(refused.path("id").asText()).isEqualTo("deep");
      assertThat(refused.path("code").asText()).isEqualTo("bad_request");
      assertThat(refused.path("message").asText()).contains("$.metadata");

      // And metadata 32 deep is acked, and its sync page reads back with a parser's default limits
      ana.socket.sendText(send("ok", conversation, "{\"a\":" + "[".repeat(30) + "{}" + "]".repeat(30) + "}"), RANDOM);
      assertThat(ana.next().path("type").asText()).isEqualTo("ack");
      ana.socket.sendText("{\"type\":\"sync\",\"id\":\"page\",\"conversation\":\"" + conversation + "\"}", RANDOM);
      JsonNode page = ana.next();
      assertThat(page.path("messages")).hasSize(1);
    }
  }

  @Test
  void aConversationOfLargeMessagesSyncsPageByPageWithoutTheReaderBeingCut() throws Exception {
    String conversation = Gateways.conversation(db, "ana");
    try (Inbox ana = Inbox.open("ana")) {
      // Given 30 messages of 60 KB each: 1.8 MB, more than the 1 MiB a connection may have unsent before it is cut
      String pad = "{\"pad\":\"" + "p".repeat(60_000) + "\"}";
      for (int i = 0; i < 30; i++) {
        ana.socket.sendText(send("big-" + i, conversation, pad), RANDOM);
        assertThat(ana.next().path("type").asText()).isEqualTo("ack");
      }

      // When ana asks for the latest page (a single reply of 1.8 MB cut even a reader that keeps up)
      ana.socket.sendText("{\"type\":\"sync\",\"id\":\"latest\",\"conversation\":\"" + conversation + "\"}", RANDOM);
      JsonNode latest = ana.next();

      // Then she gets the newest messages that fit, and stays connected
      assertThat(latest.path("id").asText()).isEqualTo("latest");
      assertThat(latest.path("messages").size()).isBetween(1, 29);
      assertThat(latest.path("messages").get(latest.path("messages").size() - 1).path("seq").asLong())
          .isEqualTo(latest.path("lastSeq").asLong());

      // And paging forward from the start brings every message, each page short enough
      java.util.List<Long> seqs = new java.util.ArrayList<>();
      long after = 0;
      boolean more = true;
      while (more) {
        ana.socket.sendText("{\"type\":\"sync\",\"id\":\"p" + after + "\",\"conversation\":\"" + conversation
            + "\",\"afterSeq\":" + after + "}", RANDOM);
        JsonNode page = ana.next();
        page.path("messages").forEach(m -> seqs.add(m.path("seq").asLong()));
        more = page.path("hasMore").asBoolean();
        after = page.path("lastSeq").asLong();
      }
      assertThat(seqs).hasSize(30).doesNotHaveDuplicates().isSorted();
      assertThat(ana.socket.closeCode()).isNotDone();
    }
  }

  private static String send(String id, String conversation, String metadata) {
    return "{\"type\":\"send\",\"id\":\"" + id + "\",\"conversation\":\"" + conversation + "\",\"clientMsgId\":\""
        + UUID.randomUUID() + "\",\"body\":\"\",\"metadata\":" + metadata + "}";
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  /** A raw connection and what it received: text frames as JSON (read with Jackson's default limits), pongs. */
  private static final class Inbox implements RawWebSocket.Listener, AutoCloseable {
    final LinkedBlockingQueue<JsonNode> frames = new LinkedBlockingQueue<>();
    final LinkedBlockingQueue<byte[]> pongs = new LinkedBlockingQueue<>();
    RawWebSocket socket;

    static Inbox open(String user) throws IOException {
      Inbox inbox = new Inbox();
      inbox.socket = RawWebSocket.open(gateway.port(), Gateways.token(user), RANDOM, 0).startReading(inbox);
      return inbox;
    }

    JsonNode next() throws InterruptedException {
      JsonNode frame = frames.poll(10, TimeUnit.SECONDS);
      assertThat(frame).as("a frame within 10 s").isNotNull();
      return frame;
    }

    @Override
    public void onText(String text) {
      try {
        frames.add(JSON.readTree(text));
      } catch (IOException e) {
        frames.add(JSON.createObjectNode().put("type", "unreadable").put("error", e.getMessage()));
      }
    }

    @Override
    public void onPong(byte[] payload) {
      pongs.add(payload);
    }

    @Override
    public void onClose(int code) {}

    @Override
    public void onEnd(IOException error) {}

    @Override
    public void close() {
      socket.close();
    }
  }
}
