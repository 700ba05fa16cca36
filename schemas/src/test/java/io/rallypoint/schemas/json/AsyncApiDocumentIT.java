package io.rallypoint.schemas.json;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/asyncapi.yaml is valid according to the official AsyncAPI parser ({@code @asyncapi/parser},
 * run on Node.js), with every message example valid against its payload and headers schemas. The
 * parser is installed with {@code npm ci} from the pinned {@code src/test/asyncapi/package-lock.json}
 * into {@code target/asyncapi-check} (again only when the lock file changes; npm's cache serves
 * repeated installs). Without {@code node} and {@code npm} on the PATH the class is skipped with a
 * message, except on CI ({@code CI=true}), where that fails the build.
 */
class AsyncApiDocumentIT {

  private static final Path SOURCE = Path.of("src", "test", "asyncapi");
  private static final Path CHECK = Path.of("target", "asyncapi-check");
  private static final List<String> FILES = List.of("package.json", "package-lock.json", "validate.js");
  private static final Duration INSTALL_TIMEOUT = Duration.ofMinutes(10);
  private static final Duration RUN_TIMEOUT = Duration.ofMinutes(2);

  private static Path node;

  @BeforeAll
  static void installTheParser() throws Exception {
    Optional<Path> nodeOnPath = onPath("node");
    Optional<Path> npm = onPath("npm");
    if (nodeOnPath.isEmpty() || npm.isEmpty()) {
      String missing = "no node and npm on the PATH: the AsyncAPI document cannot be checked with the AsyncAPI parser."
          + " Install Node.js 20 or later with npm (apt-get install nodejs npm)";
      if ("true".equalsIgnoreCase(System.getenv("CI"))) {
        fail("CI=true, and " + missing);
      }
      Assumptions.abort("SKIPPED: " + missing);
    }
    node = nodeOnPath.get();
    Files.createDirectories(CHECK);
    for (String file : FILES) {
      Files.copy(SOURCE.resolve(file), CHECK.resolve(file), StandardCopyOption.REPLACE_EXISTING);
    }
    Path installed = CHECK.resolve("node_modules").resolve(".installed-from-package-lock.json");
    if (Files.exists(installed) && Files.mismatch(installed, SOURCE.resolve("package-lock.json")) == -1) {
      return;
    }
    Run install = run(INSTALL_TIMEOUT, npm.get().toString(), "ci", "--ignore-scripts", "--no-audit", "--no-fund",
        "--prefer-offline", "--loglevel=error");
    assertThat(install.exit()).as("npm ci in %s:%n%s", CHECK.toAbsolutePath(), install.output()).isZero();
    Files.copy(SOURCE.resolve("package-lock.json"), installed, StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void theDocumentIsValidAsyncApiAndEveryExampleMatchesItsSchema() throws Exception {
    Run check = validate(AsyncApiDocsTest.DOC.toAbsolutePath().normalize());

    assertThat(check.exit()).as(check.output()).isZero();
    assertThat(check.output()).contains("VALID: ");
  }

  @Test
  void aDocumentWithAReferenceToNothingIsRefused() throws Exception {
    Run check = validate(copyWith("$ref: '#/components/messages/server.pong'", "$ref: '#/components/messages/server.pang'"));

    assertThat(check.exit()).as(check.output()).isNotZero();
    assertThat(check.output()).contains("INVALID", "server.pang");
  }

  @Test
  void aDocumentWithAnExampleThatBreaksItsSchemaIsRefused() throws Exception {
    Run check = validate(copyWith("\"conversation\":\"ride-42\",\"seq\":42}", "\"conversation\":\"ride-42\",\"seq\":-1}"));

    assertThat(check.exit()).as(check.output()).isNotZero();
    assertThat(check.output()).contains("INVALID", "example read of message client.read: payload/seq must be >= 0");
  }

  /** A copy of the document in target/ with {@code from} replaced by {@code to}, its schema references still resolving. */
  private static Path copyWith(String from, String to) throws IOException {
    String text = Files.readString(AsyncApiDocsTest.DOC);
    assertThat(text).as("the document has %s to break", from).contains(from);
    Path copy = CHECK.toAbsolutePath().resolve("broken-" + Integer.toHexString(from.hashCode()) + ".yaml");
    Path schemasModule = Path.of("").toAbsolutePath();
    Files.writeString(copy, text.replace(from, to)
        .replace("'../schemas/", "'" + copy.getParent().relativize(schemasModule) + "/"));
    return copy;
  }

  private static Run validate(Path document) throws Exception {
    return run(RUN_TIMEOUT, node.toString(), "validate.js", document.toString());
  }

  private record Run(int exit, String output) {}

  private static Run run(Duration timeout, String... command) throws IOException, InterruptedException {
    Path log = Files.createTempFile(CHECK.toAbsolutePath(), "run-", ".log");
    try {
      Process process = new ProcessBuilder(command)
          .directory(CHECK.toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .start();
      if (!process.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
        fail(String.join(" ", command) + " did not finish within " + timeout + ":\n" + Files.readString(log));
      }
      return new Run(process.exitValue(), Files.readString(log, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Optional<Path> onPath(String program) {
    String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
    List<Path> dirs = new ArrayList<>();
    for (String dir : path.split(File.pathSeparator)) {
      if (!dir.isBlank()) {
        dirs.add(Path.of(dir));
      }
    }
    return dirs.stream().map(d -> d.resolve(program)).filter(Files::isExecutable).findFirst();
  }
}
