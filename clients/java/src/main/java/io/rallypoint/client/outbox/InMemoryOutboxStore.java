package io.rallypoint.client.outbox;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The default {@link OutboxStore}: the outbox lives as long as this object (the client's process).
 * Messages survive reconnects, not a restart; an app that needs that plugs in a store of its own
 * or a {@link FileOutboxStore}.
 */
public final class InMemoryOutboxStore implements OutboxStore {

  private final Map<String, List<OutboxEntry>> byUser = new ConcurrentHashMap<>();

  @Override
  public List<OutboxEntry> load(String user) {
    return byUser.getOrDefault(user, List.of());
  }

  @Override
  public void save(String user, List<OutboxEntry> entries) {
    byUser.put(user, List.copyOf(entries));
  }
}
