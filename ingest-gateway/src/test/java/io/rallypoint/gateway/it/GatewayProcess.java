package io.rallypoint.gateway.it;

import io.rallypoint.gateway.GatewayConfig;
import io.rallypoint.gateway.GatewayServer;
import io.rallypoint.schemas.config.Env;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A gateway node in a JVM of its own, started from this test's class path, so that a test can kill
 * it as a crash would (SIGKILL): nothing it would do on its way out (closing sockets with 1001,
 * telling Redis its users left, removing its heartbeat) happens.
 */
final class GatewayProcess implements AutoCloseable {

  private static final String READY = "gateway-process listening on ";

  private final Process process;
  private final int port;

  private GatewayProcess(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /** Starts a node with this environment and waits (up to a minute: a JVM starts slowly on a busy machine) until it listens. */
  static GatewayProcess start(Map<String, String> env) {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = List.of(java, "-Xmx384m", "-cp", System.getProperty("java.class.path"),
        GatewayProcess.class.getName());
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start a gateway process", e);
    }
    CompletableFuture<Integer> listening = new CompletableFuture<>();
    Thread.ofVirtual().name("gateway-process-output").start(() -> drain(process, listening));
    try {
      return new GatewayProcess(process, listening.get(60, TimeUnit.SECONDS));
    } catch (Exception e) {
      process.destroyForcibly();
      throw new AssertionError("the gateway process did not start listening", e);
    }
  }

  /** Reads the child's output (so it never blocks on a full pipe) and finds the line that says it listens. */
  private static void drain(Process process, CompletableFuture<Integer> listening) {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        if (line.startsWith(READY)) {
          listening.complete(Integer.parseInt(line.substring(READY.length()).trim()));
        } else {
          System.out.println("[gateway process] " + line);
        }
      }
    } catch (IOException | RuntimeException e) {
      listening.completeExceptionally(e);
    }
    listening.completeExceptionally(new IllegalStateException("the gateway process ended before it listened"));
  }

  URI ws() {
    return URI.create("ws://127.0.0.1:" + port + "/ws");
  }

  /** SIGKILL, and waits until the process is gone. */
  void kill() {
    process.destroyForcibly();
    try {
      process.waitFor(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      kill();
    }
  }

  /** The child: a gateway from the environment, until it is killed. */
  public static void main(String[] args) throws InterruptedException {
    GatewayServer gateway = GatewayServer.start(GatewayConfig.from(Env.system()));
    System.out.println(READY + gateway.port());
    System.out.flush();
    Thread.currentThread().join();
  }
}
