package io.rallypoint.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** Temporary folders of the servers the fixtures start for the tests (Kafka, PostgreSQL, Redis). */
final class ScratchDir {

  private ScratchDir() {}

  /** A new temporary folder whose name starts with {@code prefix}. */
  static Path create(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** When the test JVM exits: stops the server that keeps its data in {@code dir}, then deletes the folder. */
  static void stopAtExit(Runnable stopServer, Path dir, String threadName) {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      stopServer.run();
      deleteRecursively(dir);
    }, threadName));
  }

  static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException ignored) {
      // best effort: a temp dir left behind is harmless
    }
  }
}
