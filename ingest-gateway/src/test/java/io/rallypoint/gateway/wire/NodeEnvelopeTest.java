package io.rallypoint.gateway.wire;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The envelope of frames between nodes: with or without the user whose connections skip the frame. */
class NodeEnvelopeTest {

  @Test
  void aFrameForEveryConnectionCarriesNoUser() {
    NodeEnvelope envelope = NodeEnvelope.parse(NodeEnvelope.wrap("node-1", "{\"type\":\"message\"}"));
    assertThat(envelope).isEqualTo(new NodeEnvelope("node-1", null, "{\"type\":\"message\"}"));
  }

  @Test
  void aFrameAboutAUserCarriesThatUserWhateverTheirIdHoldsAndTheFrameIntact() {
    for (String user : new String[] {"bob", "a b:c{d}", "7", "ü€😀"}) {
      String frame = "{\"type\":\"typing\",\"user\":\"" + user + "\"}";
      NodeEnvelope envelope = NodeEnvelope.parse(NodeEnvelope.wrap("node-1", user, frame));
      assertThat(envelope).isEqualTo(new NodeEnvelope("node-1", user, frame));
      assertThat(envelope.from("node-1")).isTrue();
    }
  }

  @Test
  void aPayloadThatIsNoEnvelopeIsNull() {
    assertThat(NodeEnvelope.parse("no-space")).isNull();
    assertThat(NodeEnvelope.parse("node 99:short")).isNull();
    assertThat(NodeEnvelope.parse("node 123456:x{}")).isNull();
  }
}
