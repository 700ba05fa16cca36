package io.rallypoint.testsupport;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A program a check needs from the PATH (promtool, docker-compose, node, ...): without it (or with
 * one too old) the test is skipped with a message, except on CI ({@code CI=true}, which `.ci/run`
 * sets after installing them), where that fails the build.
 */
public final class ToolOnPath {

  private ToolOnPath() {}

  /** The program's path, or the test fails on CI and is skipped elsewhere, saying {@code missing}. */
  public static Path require(String program, String missing) {
    Optional<Path> found = find(program);
    if (found.isEmpty()) {
      unusable("no " + program + " on the PATH: " + missing);
    }
    return found.get();
  }

  /** Ends the test because a tool it needs is unusable (too old, say): fails on CI, skipped elsewhere, saying {@code why}. */
  public static void unusable(String why) {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      Assertions.fail("CI=true, and " + why);
    }
    Assumptions.abort("SKIPPED: " + why);
  }

  /** The first executable of that name on the PATH. */
  public static Optional<Path> find(String program) {
    for (String dir : Optional.ofNullable(System.getenv("PATH")).orElse("").split(File.pathSeparator)) {
      if (!dir.isBlank() && Files.isExecutable(Path.of(dir, program))) {
        return Optional.of(Path.of(dir, program));
      }
    }
    return Optional.empty();
  }
}
