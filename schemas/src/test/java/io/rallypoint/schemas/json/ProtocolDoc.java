package io.rallypoint.schemas.json;

import io.rallypoint.schemas.topic.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** What docs/PROTOCOL.md names, read from its headings and tables, for the tests that hold other documents to it. */
final class ProtocolDoc {

  static final Path PATH = Path.of("..", "docs", "PROTOCOL.md");
  /** The JSON Schemas of the frames, one folder per direction. */
  static final Path SCHEMAS = Path.of("src", "main", "resources", "rallypoint", "schemas");

  private static final Pattern HEADING = Pattern.compile("^#### (\\w+)(?: \\((?:server|reply)\\))?$");
  private static final Pattern BOLD_NAME = Pattern.compile("\\*\\*`([\\w-]+)`\\*\\*");
  private static final Pattern CODE = Pattern.compile("`([^`]+)`");
  private static final Pattern FIRST_CELL = Pattern.compile("^\\| ([^|]+) \\|.*");

  private final List<String> lines;

  private ProtocolDoc(List<String> lines) {
    this.lines = lines;
  }

  static ProtocolDoc read() {
    try {
      return new ProtocolDoc(Files.readAllLines(PATH));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines of the section whose heading starts with {@code heading}, up to the next heading of its level or above. */
  List<String> section(String heading) {
    int start = lines.indexOf(lines.stream().filter(l -> l.startsWith(heading)).findFirst().orElseThrow(
        () -> new AssertionError("PROTOCOL.md has no section " + heading)));
    String level = heading.substring(0, heading.indexOf(' ') + 1);
    int end = start + 1;
    while (end < lines.size() && !(lines.get(end).startsWith(level) || (level.length() > 3
        && lines.get(end).matches("^#{2," + (level.length() - 2) + "} .*")))) {
      end++;
    }
    return lines.subList(start + 1, end);
  }

  /** The client frame types documented in section 1.3 (one {@code ####} heading each). */
  Set<String> clientFrames() {
    return frameHeadings(section("### 1.3 "));
  }

  /** The server frame types documented in section 1.4. */
  Set<String> serverFrames() {
    return frameHeadings(section("### 1.4 "));
  }

  /** The names the "Implementation status" section lists as not served yet (in bold code). */
  Set<String> notBuilt() {
    Set<String> names = new TreeSet<>();
    for (String line : section("## Implementation status")) {
      Matcher m = BOLD_NAME.matcher(line);
      while (m.find()) {
        names.add(m.group(1));
      }
    }
    return names;
  }

  /** The codes of the table of section 1.5. */
  Set<String> errorCodes() {
    return firstCells("### 1.5 ").stream()
        .filter(c -> c.matches("`[a-z_]+`"))
        .map(c -> c.substring(1, c.length() - 1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The topics of the table of section 2.1, {@code chat.messages.retry.N} spelled out for every tier. */
  Set<String> topics() {
    Set<String> names = new TreeSet<>();
    for (String cell : firstCells("### 2.1 ")) {
      Matcher m = CODE.matcher(cell);
      while (m.find()) {
        String name = m.group(1);
        if (name.endsWith(".N")) {
          for (int tier = 1; tier <= Topics.RETRY_TIERS; tier++) {
            names.add(name.substring(0, name.length() - 1) + tier);
          }
        } else {
          names.add(name);
        }
      }
    }
    return names;
  }

  /** The header names of the table of section 2.2. */
  Set<String> retryHeaders() {
    return firstCells("### 2.2 ").stream()
        .filter(c -> c.matches("`rallypoint\\.[a-z.-]+`"))
        .map(c -> c.substring(1, c.length() - 1))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The names of the schema files of one direction ({@code client}, {@code server}), without {@code .json}. */
  static Set<String> schemaFiles(String direction) {
    try (Stream<Path> files = Files.list(SCHEMAS.resolve(direction))) {
      return files.map(p -> p.getFileName().toString().replace(".json", ""))
          .collect(Collectors.toCollection(TreeSet::new));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<String> firstCells(String heading) {
    return section(heading).stream()
        .map(FIRST_CELL::matcher)
        .filter(Matcher::matches)
        .map(m -> m.group(1).strip())
        .filter(c -> !c.startsWith("---"))
        .toList();
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
}
