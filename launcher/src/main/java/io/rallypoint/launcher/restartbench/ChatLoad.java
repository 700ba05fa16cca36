package io.rallypoint.launcher.restartbench;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A steady trickle of chat messages over the groups, and a PostgreSQL poller: for every acked
 * message it notes when it was first seen stored, so the bench can tell the longest any acked
 * message waited to be persisted.
 */
final class ChatLoad implements AutoCloseable {

  private record Tracked(ChatProbe.Acked acked, AtomicLong storedNanos) {}

  private final ChatProbe chat;
  private final String jdbcUrl;
  private final List<String> groups;
  private final ConcurrentLinkedQueue<Tracked> tracked = new ConcurrentLinkedQueue<>();
  private final AtomicInteger failures = new AtomicInteger();
  private final Thread sender;
  private final Thread poller;
  private volatile boolean running = true;

  ChatLoad(ChatProbe chat, String jdbcUrl, List<String> groups, Duration interval) {
    this.chat = chat;
    this.jdbcUrl = jdbcUrl;
    this.groups = List.copyOf(groups);
    sender = Thread.ofPlatform().daemon().name("bench-chat-sender").start(() -> {
      for (int i = 0; running; i++) {
        chat.send(groups.get(i % groups.size()), "bench " + i).whenComplete((acked, error) -> {
          if (error != null) {
            failures.incrementAndGet();
          } else {
            tracked.add(new Tracked(acked, new AtomicLong()));
          }
        });
        try {
          Thread.sleep(interval);
        } catch (InterruptedException e) {
          return;
        }
      }
    });
    poller = Thread.ofPlatform().daemon().name("bench-chat-poller").start(this::poll);
  }

  /**
   * The longest, in seconds, that a message acked between {@code fromNanos} and {@code toNanos}
   * waited until it was seen in PostgreSQL (one still waiting counts until now).
   */
  double longestWait(long fromNanos, long toNanos) {
    long now = System.nanoTime();
    long longest = 0;
    for (Tracked t : tracked) {
      long acked = t.acked().ackedNanos();
      if (acked >= fromNanos && acked <= toNanos) {
        long stored = t.storedNanos().get();
        longest = Math.max(longest, (stored == 0 ? now : stored) - acked);
      }
    }
    return JarProcess.seconds(longest);
  }

  /** Sends that were refused or lost their connection. */
  int failures() {
    return failures.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sender.join();
    poller.join();
  }

  private void poll() {
    while (running) {
      try {
        Map<String, Long> stored = ChatProbe.storedSeqs(jdbcUrl, groups);
        long now = System.nanoTime();
        for (Tracked t : tracked) {
          Long seq = stored.get(t.acked().conversation());
          if (seq != null && seq >= t.acked().seq()) {
            t.storedNanos().compareAndSet(0, now);
          }
        }
      } catch (Exception e) {
        // PostgreSQL is restarting: try again
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        return;
      }
    }
  }
}
