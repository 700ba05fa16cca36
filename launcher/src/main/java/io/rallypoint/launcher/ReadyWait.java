package io.rallypoint.launcher;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Waits until every service's {@code /health/ready} answers 200, the way an orchestrator would. */
final class ReadyWait {

  private static final Duration POLL_EVERY = Duration.ofMillis(100);

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * Polls each URL until it answers 200 or the timeout passes; returns what is still not ready
   * (service name to its last answer), empty when all are.
   */
  Map<String, String> await(Map<String, URI> readiness, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Map<String, String> waiting = new LinkedHashMap<>();
    readiness.keySet().forEach(name -> waiting.put(name, "no answer yet"));
    while (!waiting.isEmpty()) {
      for (var it = waiting.entrySet().iterator(); it.hasNext(); ) {
        var entry = it.next();
        String answer = ask(readiness.get(entry.getKey()));
        if (answer == null) {
          it.remove();
        } else {
          entry.setValue(answer);
        }
      }
      if (waiting.isEmpty() || System.nanoTime() > deadline) {
        break;
      }
      Thread.sleep(POLL_EVERY);
    }
    return waiting;
  }

  /** Null on 200; else the status and body, or why there was no answer. */
  private String ask(URI uri) throws InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200 ? null : response.statusCode() + " " + response.body().strip();
    } catch (IOException e) {
      return "no answer: " + e.getMessage();
    }
  }
}
