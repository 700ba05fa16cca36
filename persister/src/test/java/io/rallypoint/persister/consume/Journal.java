package io.rallypoint.persister.consume;

import java.util.ArrayList;
import java.util.List;

/**
 * What happened, in order, as the fakes saw it: writes begun and finished, offsets committed,
 * records forwarded. The loop thread and its writer thread both add to it.
 */
final class Journal {

  private final List<String> entries = new ArrayList<>();

  synchronized void add(String entry) {
    entries.add(entry);
  }

  synchronized List<String> entries() {
    return List.copyOf(entries);
  }

  /** Whether the journal holds exactly these entries so far. */
  synchronized boolean is(String... expected) {
    return entries.equals(List.of(expected));
  }

  synchronized boolean has(String entry) {
    return entries.contains(entry);
  }

  @Override
  public synchronized String toString() {
    return String.join("\n", entries);
  }
}
