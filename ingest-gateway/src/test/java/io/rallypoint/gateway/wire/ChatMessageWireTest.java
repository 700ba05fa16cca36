package io.rallypoint.gateway.wire;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import static org.assertj.core.api.Assertions.assertThat;

class ChatMessageWireTest {

  @Test
  void theSeqFilledInGivesExactlyTheMessageWithThatSeq() {
    // Given a conversation id and body that contain the text the split looks for
    ObjectNode metadata = Json.object();
    metadata.put("lat", 48.858370123456789).putArray("photos");
    ChatMessage draft = new ChatMessage("c,\"seq\":0,x", "0190f0a0-0000-7000-8000-000000000001", 0, "ana",
        "3f1c1b1e-2a59-4bb8-9f55-0c9f2b0d1a01", "\"seq\":0,", metadata, Instant.parse("2026-11-24T10:00:00.123Z"));

    // When the template is filled with seq 42
    String json = ChatMessageWire.template(draft).withSeq(42);

    // Then it is the same JSON as the message with seq 42, metadata intact
    ChatMessage withSeq = new ChatMessage(draft.conversation(), draft.messageId(), 42, draft.sender(),
        draft.clientMsgId(), draft.body(), metadata, draft.sentAt());
    assertThat(json).isEqualTo(Json.toString(withSeq));
    assertThat(ChatMessageWire.parse(json)).isEqualTo(withSeq);
  }
}
