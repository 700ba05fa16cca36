package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.schemas.frame.ErrorCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/PROTOCOL.md and the code name the same frame types and error codes: a frame type or error
 * code the code knows is documented, and one documented but not built is on the document's own
 * "Implementation status" list (which names nothing that is built in every direction it is
 * documented for).
 */
class ContractDocsTest {

  private static final Path DOC = Path.of("..", "docs", "PROTOCOL.md");
  private static final Path SCHEMAS = Path.of("src", "main", "resources", "rallypoint", "schemas");
  private static final Pattern HEADING = Pattern.compile("^#### (\\w+)(?: \\((?:server|reply)\\))?$");
  private static final Pattern BOLD_NAME = Pattern.compile("\\*\\*`([\\w-]+)`\\*\\*");

  private static List<String> doc() throws IOException {
    return Files.readAllLines(DOC);
  }

  /** The lines of the section whose heading starts with {@code heading}, up to the next heading of its level. */
  private static List<String> section(List<String> doc, String heading) {
    int start = doc.indexOf(doc.stream().filter(l -> l.startsWith(heading)).findFirst().orElseThrow(
        () -> new AssertionError("PROTOCOL.md has no section " + heading)));
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = start + 1;
    while (end < doc.size() && !(doc.get(end).startsWith(level) || (level.length() > 3
        && doc.get(end).matches("^#{2," + (level.length() - 2) + "} .*")))) {
      end++;
    }
    return doc.subList(start + 1, end);
  }

  private static Set<String> frameHeadings(List<String> section) {
    Set<String> names = new TreeSet<>();
    for (String line : section) {
      Matcher m = HEADING.matcher(line);
      if (m.matches()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  private static Set<String> schemaNames(String direction) throws IOException {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve(direction))) {
      return files.map(p -> p.getFileName().toString().replace(".json", "")).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  private static Set<String> notBuilt(List<String> doc) {
    Set<String> names = new TreeSet<>();
    for (String line : section(doc, "## Implementation status")) {
      Matcher m = BOLD_NAME.matcher(line);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  @Test
  void everyFrameTypeIsDocumentedAndEveryDocumentedOneIsBuiltOrListedAsNotYet() throws IOException {
    List<String> doc = doc();
    Set<String> documentedClient = frameHeadings(section(doc, "### 1.3 "));
    Set<String> documentedServer = frameHeadings(section(doc, "### 1.4 "));
    Set<String> builtClient = new TreeSet<>(FrameTypes.CLIENT_TYPES);
    builtClient.addAll(schemaNames("client"));
    Set<String> builtServer = new TreeSet<>(FrameTypes.SERVER_TYPES);
    builtServer.addAll(schemaNames("server"));
    Set<String> notBuilt = notBuilt(doc);

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
  void theErrorCodesOfSection15AreTheCodesOfTheCode() throws IOException {
    Set<String> documented = new TreeSet<>();
    Pattern row = Pattern.compile("^\\| `([a-z_]+)` \\|.*");
    for (String line : section(doc(), "### 1.5 ")) {
      Matcher m = row.matcher(line);
      if (m.matches()) {
        documented.add(m.group(1));
      }
    }
    Set<String> coded = Arrays.stream(ErrorCode.values()).map(ErrorCode::wire).collect(Collectors.toCollection(TreeSet::new));
    assertThat(documented).isEqualTo(coded);
  }

  private static Set<String> difference(Set<String> a, Set<String> b) {
    Set<String> d = new TreeSet<>(a);
    d.removeAll(b);
    return d;
  }
}
