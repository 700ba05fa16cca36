package io.rallypoint.launcher;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** {@code up --reset}: deletes the state folder once the user has said yes. */
final class StateReset {

  private StateReset() {}

  /** Asks (unless {@code yes}), then deletes; returns false when the user declined. */
  static boolean confirmAndDelete(Path stateDir, boolean yes, PrintWriter out) {
    if (!Files.exists(stateDir)) {
      return true;
    }
    if (!yes) {
      out.print("Delete " + stateDir + " and every message, topic and setting the embedded servers keep there? [y/N] ");
      out.flush();
      String answer;
      try {
        answer = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
      } catch (IOException e) {
        answer = null;
      }
      if (answer == null || !(answer.trim().equalsIgnoreCase("y") || answer.trim().equalsIgnoreCase("yes"))) {
        out.println("Nothing deleted.");
        out.flush();
        return false;
      }
    }
    try (Stream<Path> paths = Files.walk(stateDir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot delete " + p, e);
        }
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + stateDir, e);
    }
    out.println("Deleted " + stateDir + ".");
    out.flush();
    return true;
  }
}
