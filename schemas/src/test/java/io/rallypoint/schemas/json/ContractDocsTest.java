package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.frame.ErrorCode;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md and the code name the same frame types and error codes: a frame type or error
 * code the code knows is documented, and one documented but not built is on the document's own
 * "Implementation status" list (which names nothing that is built in every direction it is
 * documented for).
 */
class ContractDocsTest {

  private final ProtocolDoc doc = ProtocolDoc.read();

  @Test
  void everyFrameTypeIsDocumentedAndEveryDocumentedOneIsBuiltOrListedAsNotYet() {
    Set<String> documentedClient = doc.clientFrames();
    Set<String> documentedServer = doc.serverFrames();
    Set<String> builtClient = new TreeSet<>(FrameTypes.CLIENT_TYPES);
    builtClient.addAll(ProtocolDoc.schemaFiles("client"));
    Set<String> builtServer = new TreeSet<>(FrameTypes.SERVER_TYPES);
    builtServer.addAll(ProtocolDoc.schemaFiles("server"));
    Set<String> notBuilt = doc.notBuilt();

    assertThat(documentedClient).as("client frames in section 1.3").containsAll(builtClient);
    assertThat(documentedServer).as("server frames in section 1.4").containsAll(builtServer);
    for (String name : difference(documentedClient, builtClient)) {
      assertThat(notBuilt).as("client frame %s is documented, not built, and not in Implementation status", name)
          .contains(name);
    }
    for (String name : difference(documentedServer, builtServer)) {
      assertThat(notBuilt).as("server frame %s is documented, not built, and not in Implementation status", name)
          .contains(name);
    }
    for (String name : notBuilt) {
      boolean missingSomewhere = (documentedClient.contains(name) && !builtClient.contains(name))
          || (documentedServer.contains(name) && !builtServer.contains(name))
          || !(documentedClient.contains(name) || documentedServer.contains(name));
      assertThat(missingSomewhere).as("Implementation status lists %s, which is built wherever it is documented", name)
          .isTrue();
    }
  }

  @Test
  void theErrorCodesOfSection15AreTheCodesOfTheCode() {
    Set<String> coded = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(TreeSet::new));
    assertThat(doc.errorCodes()).isEqualTo(coded);
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }
}
