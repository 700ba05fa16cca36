package io.rallypoint.launcher.restartbench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code rallypoint} command run from this same jar in a process of its own (as
 * {@code ./rallypoint} runs it), its output appended to a log file; started, stopped with SIGTERM
 * (what Ctrl-C does) or killed with SIGKILL.
 */
final class JarProcess {

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final Process process;
  private final long startedNanos;
  private final CompletableFuture<Long> up = new CompletableFuture<>();

  private JarProcess(Process process, long startedNanos, Path log) {
    this.process = process;
    this.startedNanos = startedNanos;
    Thread reader = new Thread(() -> copy(log), "bench-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /** Starts {@code rallypoint <args>} with the given environment changes (null removes a variable). */
  static JarProcess start(List<String> args, Map<String, String> env, Path log) {
    List<String> command = io.rallypoint.launcher.SelfJar.command(args);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    env.forEach((name, value) -> {
      if (value == null) {
        builder.environment().remove(name);
      } else {
        builder.environment().put(name, value);
      }
    });
    try {
      long started = System.nanoTime();
      return new JarProcess(builder.start(), started, log);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + command, e);
    }
  }

  /** When the process was started ({@link System#nanoTime()}). */
  long startedNanos() {
    return startedNanos;
  }

  /** Seconds from the start until {@code rallypoint up} printed "Rallypoint is up.". */
  double awaitUp(Duration timeout) throws Exception {
    long at = up.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    return seconds(at - startedNanos);
  }

  /** Seconds from the start until {@code url} answered 200. */
  double awaitReady(String url, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    HttpRequest request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).GET().build();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the process ended with " + process.exitValue() + " before " + url + " was ready");
      }
      try {
        if (HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return seconds(System.nanoTime() - startedNanos);
        }
      } catch (IOException e) {
        // not listening yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(url + " was not ready within " + timeout);
  }

  /** SIGTERM (what Ctrl-C does), then waits for the exit; returns the seconds it took. */
  double stop() throws InterruptedException {
    long t = System.nanoTime();
    process.destroy();
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      throw new IllegalStateException("pid " + process.pid() + " did not stop within 60 s of SIGTERM");
    }
    return seconds(System.nanoTime() - t);
  }

  /** SIGKILL: the process gets no chance to close anything. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  boolean alive() {
    return process.isAlive();
  }

  static double seconds(long nanos) {
    return nanos / 1e9;
  }

  private void copy(Path log) {
    try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        PrintWriter out = new PrintWriter(Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND), true)) {
      for (String line; (line = in.readLine()) != null; ) {
        if (line.equals("Rallypoint is up.")) {
          up.complete(System.nanoTime());
        }
        out.println(line);
      }
    } catch (IOException e) {
      // the process ended
    }
    up.completeExceptionally(new IllegalStateException("the process ended before it was up; see " + log));
  }
}
