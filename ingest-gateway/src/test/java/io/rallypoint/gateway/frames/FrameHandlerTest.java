package io.rallypoint.gateway.frames;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.rallypoint.gateway.connection.Connection;
import io.rallypoint.gateway.metrics.GatewayMetrics;
import io.rallypoint.gateway.protect.Pacer;
import io.rallypoint.gateway.protect.TokenBucket;
import io.rallypoint.schemas.frame.ClientFrame;
import io.rallypoint.schemas.frame.ReadFrame;
import io.rallypoint.schemas.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class FrameHandlerTest {

  private final List<ClientFrame> routed = new ArrayList<>();
  private final AtomicLong clock = new AtomicLong();

  /** A connection allowed {@code burst} frames at once, one a second after that, closed after 10 s of refusals. */
  private EmbeddedChannel channel(int burst, int abuseMinRefusals) {
    // each frame type's step records what reaches it; the router answers ping itself
    FrameStep<ClientFrame> steps = new FrameRouter(this::record, this::record, this::record, this::record,
        this::record, this::record, this::record, this::record);
    EmbeddedChannel channel = new EmbeddedChannel(new FrameHandler(steps));
    GatewayMetrics metrics = new GatewayMetrics(new SimpleMeterRegistry(), () -> 0, () -> 0);
    Pacer pacer = new Pacer(new TokenBucket(burst, 1, clock::get), clock::get, Duration.ofSeconds(10), abuseMinRefusals);
    // typing has a limit of its own: bursts of 2, one a second
    Pacer typingPacer = new Pacer(new TokenBucket(2, 1, clock::get), clock::get, Duration.ofSeconds(10), abuseMinRefusals);
    Connection connection = new Connection(channel, "ana", pacer, typingPacer, metrics);
    connection.markOpen();
    channel.attr(Connection.KEY).set(connection);
    return channel;
  }

  private CompletableFuture<Void> record(Connection connection, ClientFrame frame) {
    routed.add(frame);
    return CompletableFuture.completedFuture(null);
  }

  private static JsonNode reply(EmbeddedChannel channel) {
    channel.runPendingTasks();
    TextWebSocketFrame frame = channel.readOutbound();
    assertThat(frame).as("a reply").isNotNull();
    try {
      return Json.parse(frame.text());
    } finally {
      frame.release();
    }
  }

  @Test
  void badFramesAreAnsweredWithTheirErrorAndTheConnectionStaysOpen() {
    EmbeddedChannel channel = channel(100, 100);

    channel.writeInbound(new TextWebSocketFrame("not json"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"shout\",\"id\":\"a\"}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"send\",\"id\":\"b\",\"conversation\":\"c\",\"body\":\"x\"}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"read\",\"id\":\"c\",\"conversation\":\"c\",\"seq\":\"7\"}"));
    channel.writeInbound(new BinaryWebSocketFrame());

    JsonNode notJson = reply(channel);
    assertThat(notJson.path("type").asText()).isEqualTo("error");
    assertThat(notJson.path("code").asText()).isEqualTo("bad_request");
    JsonNode unknown = reply(channel);
    assertThat(unknown.path("code").asText()).isEqualTo("bad_request");
    assertThat(unknown.path("id").asText()).isEqualTo("a");
    JsonNode missing = reply(channel);
    assertThat(missing.path("id").asText()).isEqualTo("b");
    assertThat(missing.path("message").asText()).contains("clientMsgId");
    JsonNode illTyped = reply(channel);
    assertThat(illTyped.path("id").asText()).isEqualTo("c");
    assertThat(illTyped.path("message").asText()).contains("seq");
    assertThat(reply(channel).path("code").asText()).isEqualTo("bad_request");
    assertThat(routed).isEmpty();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void numbersNoDoubleHoldsAreAnsweredBadRequestWithTheFramesIdAndTheConnectionStaysOpen() {
    EmbeddedChannel channel = channel(100, 100);
    String[] frames = {
        "{\"type\":\"location\",\"id\":\"lat\",\"conversation\":\"c\",\"session\":\"s\",\"lat\":1e400,\"lng\":1,"
            + "\"at\":\"2026-11-24T06:16:12.000Z\"}",
        "{\"type\":\"location\",\"id\":\"lng\",\"conversation\":\"c\",\"session\":\"s\",\"lat\":1,\"lng\":-1e400,"
            + "\"at\":\"2026-11-24T06:16:12.000Z\"}",
        "{\"type\":\"read\",\"id\":\"seq\",\"conversation\":\"c\",\"seq\":1e400}",
        "{\"type\":\"sync\",\"id\":\"limit\",\"conversation\":\"c\",\"limit\":1e400}",
        "{\"type\":\"sync\",\"id\":\"afterSeq\",\"conversation\":\"c\",\"afterSeq\":-1e400}",
        // an enum field: the schema validator threw on it, which closed the connection unanswered
        "{\"type\":\"session\",\"id\":\"state\",\"session\":\"s\",\"state\":1e400,\"at\":\"2026-11-24T06:16:12.000Z\"}",
    };

    for (String frame : frames) {
      channel.writeInbound(new TextWebSocketFrame(frame));
    }

    for (String id : new String[] {"lat", "lng", "seq", "limit", "afterSeq", "state"}) {
      JsonNode refused = reply(channel);
      assertThat(refused.path("id").asText()).isEqualTo(id);
      assertThat(refused.path("code").asText()).isEqualTo("bad_request");
    }
    assertThat(routed).isEmpty();
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void eachChatFrameGoesToItsStepAndPingIsAnsweredWithPong() {
    EmbeddedChannel channel = channel(100, 100);

    channel.writeInbound(new TextWebSocketFrame(
        "{\"type\":\"send\",\"conversation\":\"c\",\"clientMsgId\":\"3f1c1b1e-2a59-4bb8-9f55-0c9f2b0d1a01\",\"body\":\"hi\"}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"read\",\"conversation\":\"c\",\"seq\":3}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"sync\",\"conversation\":\"c\",\"afterSeq\":0}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"p1\"}"));

    assertThat(routed).extracting(f -> f.getClass().getSimpleName())
        .containsExactly("SendFrame", "ReadFrame", "SyncFrame");
    JsonNode pong = reply(channel);
    assertThat(pong.path("type").asText()).isEqualTo("pong");
    assertThat(pong.path("id").asText()).isEqualTo("p1");
  }

  @Test
  void locationFramesGoToTheLocationSeam() {
    EmbeddedChannel channel = channel(100, 100);

    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"meetingPoint\",\"id\":\"m\",\"conversation\":\"c\"}"));
    channel.writeInbound(new TextWebSocketFrame(
        "{\"type\":\"session\",\"id\":\"s\",\"session\":\"rec-1\",\"state\":\"started\",\"at\":\"2026-11-24T10:00:00Z\"}"));
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"location\",\"conversation\":\"c\",\"session\":\"rec-1\","
        + "\"lat\":1.5,\"lng\":2.5,\"at\":\"2026-11-24T10:00:01Z\"}"));

    assertThat(routed).extracting(f -> f.getClass().getSimpleName())
        .containsExactly("MeetingPointRequestFrame", "SessionFrame", "LocationFrame");
  }

  @Test
  void framesOverTheRateLimitAreRefusedWithTheirTurnAndTheSameFrameThenGoesThrough() {
    EmbeddedChannel channel = channel(2, 3);
    String read = "{\"type\":\"read\",\"id\":\"%s\",\"conversation\":\"c\",\"seq\":%d}";

    // When four frames arrive at once where two are allowed
    for (int seq = 1; seq <= 4; seq++) {
      channel.writeInbound(new TextWebSocketFrame(read.formatted("r" + seq, seq)));
    }

    // Then the other two are refused, told when a token is there for each: 1 s, then 2 s
    JsonNode third = reply(channel);
    assertThat(third.path("code").asText()).isEqualTo("rate_limited");
    assertThat(third.path("id").asText()).isEqualTo("r3");
    assertThat(third.path("retryAfterMs").isIntegralNumber()).isTrue();
    assertThat(third.path("retryAfterMs").asLong()).isEqualTo(1_000);
    assertThat(reply(channel).path("retryAfterMs").asLong()).isEqualTo(2_000);
    assertThat(routed).hasSize(2);

    // When the fourth is sent again (with a new id) after its 2 s, and the third after it
    clock.addAndGet(Duration.ofSeconds(2).toNanos());
    channel.writeInbound(new TextWebSocketFrame(read.formatted("again4", 4)));
    channel.writeInbound(new TextWebSocketFrame(read.formatted("again3", 3)));

    // Then both go through on the tokens kept for them, and the connection stays open
    assertThat(routed).extracting(f -> ((ReadFrame) f).seq()).containsExactly(1L, 2L, 4L, 3L);
    assertThat(channel.isActive()).isTrue();
  }

  @Test
  void typingHasALimitOfItsOwnAndNeverTakesATokenASendCouldUse() {
    // Given a connection allowed 2 frames and 2 typing frames at once
    EmbeddedChannel channel = channel(2, 100);
    String typing = "{\"type\":\"typing\",\"id\":\"t%d\",\"conversation\":\"c\",\"state\":\"started\"}";
    String send = "{\"type\":\"send\",\"id\":\"s%d\",\"conversation\":\"c\",\"clientMsgId\":\"%s\",\"body\":\"hi\"}";

    // When the user types a lot: three typing frames at once
    for (int i = 1; i <= 3; i++) {
      channel.writeInbound(new TextWebSocketFrame(typing.formatted(i)));
    }

    // Then the third is refused on the typing limit, with its turn
    JsonNode refused = reply(channel);
    assertThat(refused.path("code").asText()).isEqualTo("rate_limited");
    assertThat(refused.path("id").asText()).isEqualTo("t3");
    assertThat(refused.path("retryAfterMs").asLong()).isEqualTo(1_000);

    // And two sends still go through at once: typing took none of their tokens
    channel.writeInbound(new TextWebSocketFrame(send.formatted(1, java.util.UUID.randomUUID())));
    channel.writeInbound(new TextWebSocketFrame(send.formatted(2, java.util.UUID.randomUUID())));
    channel.runPendingTasks();
    assertThat((Object) channel.readOutbound()).as("no refusal of a send").isNull();
    assertThat(routed).extracting(f -> f.getClass().getSimpleName())
        .containsExactly("TypingFrame", "TypingFrame", "SendFrame", "SendFrame");
  }

  @Test
  void aConnectionRefusedForTheWholeAbuseWindowWhileItKeepsSendingIsClosedWith1008() {
    EmbeddedChannel channel = channel(1, 3);
    channel.writeInbound(new TextWebSocketFrame("{\"type\":\"ping\",\"id\":\"0\"}"));
    assertThat(reply(channel).path("type").asText()).isEqualTo("pong");

    // When it sends a new frame every 100 ms without waiting for its turns
    String read = "{\"type\":\"read\",\"conversation\":\"c\",\"seq\":%d}";
    for (int seq = 1; seq <= 100; seq++) {
      channel.writeInbound(new TextWebSocketFrame(read.formatted(seq)));
      assertThat(reply(channel).path("code").asText()).isEqualTo("rate_limited");
      clock.addAndGet(Duration.ofMillis(100).toNanos());
    }
    assertThat(channel.isActive()).isTrue();
    // Then 10 s after its first refusal the next one closes it
    channel.writeInbound(new TextWebSocketFrame(read.formatted(101)));

    channel.runPendingTasks();
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1008);
    close.release();
  }

  @Test
  void aProtocolViolationClosesTheConnectionOnlyAfterTheCloseFrameThatSaysWhy() {
    EmbeddedChannel channel = channel(100, 100);
    // Given the decoder (or the UTF-8 validator) wrote its close frame, which is not on the wire yet
    channel.write(new CloseWebSocketFrame(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8"));

    // When its exception reaches the handler
    channel.pipeline().fireExceptionCaught(
        new CorruptedWebSocketFrameException(WebSocketCloseStatus.INVALID_PAYLOAD_DATA, "bytes are not UTF-8"));
    channel.runPendingTasks();

    // Then the client gets that close frame (a close at once dropped it: the client saw 1006), and then the close
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close).as("the close frame").isNotNull();
    assertThat(close.statusCode()).isEqualTo(1007);
    close.release();
    assertThat(channel.isOpen()).isFalse();
  }

  @Test
  void aCloseFrameIsAnsweredWithItsCodeUnlessRfc6455DoesNotAllowItsCodeOrReason() {
    byte[] cutCharacter = {'b', 'y', (byte) 0xC3}; // the first byte of a two-byte character, then nothing
    Object[][] closes = {
        {Unpooled.EMPTY_BUFFER, 1000},
        {Unpooled.buffer().writeShort(1000), 1000},
        {Unpooled.buffer().writeShort(4000).writeBytes("done".getBytes(StandardCharsets.UTF_8)), 4000},
        {Unpooled.buffer().writeShort(5000), 1002},
        {Unpooled.buffer().writeShort(65535), 1002},
        {Unpooled.buffer().writeShort(1000).writeBytes(cutCharacter), 1007},
    };
    for (Object[] close : closes) {
      EmbeddedChannel channel = channel(100, 100);

      channel.writeInbound(new CloseWebSocketFrame(true, 0, (ByteBuf) close[0]));

      CloseWebSocketFrame answer = channel.readOutbound();
      assertThat(answer.statusCode()).as("the answer to " + close[1]).isEqualTo(close[1]);
      answer.release();
      assertThat(channel.isOpen()).isFalse();
    }
  }

  @Test
  void anOversizedFragmentedMessageClosesWith1009() {
    EmbeddedChannel channel = channel(100, 100);

    channel.pipeline().fireExceptionCaught(new TooLongFrameException("too long"));

    channel.runPendingTasks();
    CloseWebSocketFrame close = channel.readOutbound();
    assertThat(close.statusCode()).isEqualTo(1009);
    close.release();
  }
}
