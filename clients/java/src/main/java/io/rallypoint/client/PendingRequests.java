package io.rallypoint.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.rallypoint.client.frame.ClientFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** The requests waiting for their reply, by frame {@code id}; owned by the client's thread. */
final class PendingRequests {

  /** One request: its frame (sent again as is after a refusal), its future, its deadline and retries. */
  static final class Pending {
    final ClientFrame frame;
    final CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    long deadline;
    int retries;

    Pending(ClientFrame frame, long deadline) {
      this.frame = frame;
      this.deadline = deadline;
    }
  }

  private final Map<String, Pending> byId = new HashMap<>();

  void add(String id, Pending pending) {
    byId.put(id, pending);
  }

  Pending get(String id) {
    return id == null ? null : byId.get(id);
  }

  Pending remove(String id) {
    return id == null ? null : byId.remove(id);
  }

  /** Fails every request (the connection is gone). */
  void failAll(String code, String message) {
    List<Pending> all = new ArrayList<>(byId.values());
    byId.clear();
    all.forEach(p -> p.reply.completeExceptionally(new RequestFailedException(code, message)));
  }

  /** Fails the requests whose deadline passed by {@code now}. */
  void expire(long now) {
    List<Pending> late = new ArrayList<>();
    byId.values().removeIf(p -> {
      boolean over = now - p.deadline > 0;
      if (over) {
        late.add(p);
      }
      return over;
    });
    late.forEach(p -> p.reply.completeExceptionally(new RequestFailedException("timeout", "no reply in time")));
  }
}
