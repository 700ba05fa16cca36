package io.rallypoint.client.outbox;

import java.util.List;

/**
 * Where a user's outbox survives the process: an app keeps it on disk (a file, a database, Android's
 * storage) so that a message written offline is sent after a restart. The client saves the whole
 * outbox, oldest first, each time it changes, before the change goes on the wire. Called from the
 * client's own thread; an implementation used by one client needs no locking.
 */
public interface OutboxStore {

  /** The saved outbox of {@code user}, oldest first; empty when there is none. */
  List<OutboxEntry> load(String user);

  /** Replaces the saved outbox of {@code user}. */
  void save(String user, List<OutboxEntry> entries);
}
