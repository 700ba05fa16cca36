package io.rallypoint.gateway.typing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Who is typing where, as this node heard it: a {@code started} keeps a member typing in a
 * conversation for {@link #LAPSE}; renewed, the time starts again; when it passes unrenewed the
 * typing lapses and {@code onLapse(conversation, user)} is told (once). A {@code stopped}, or the
 * close of the connection that last renewed it, ends it without a lapse.
 *
 * <p>Each typing is owned by the connection that last said {@code started} (any object standing
 * for it): the typing ends with that connection. Thread-safe; {@code onLapse} runs on the timer's
 * thread, outside the lock.
 */
public final class TypingLapses {

  /** PROTOCOL 1.3: a {@code started} not renewed within 6 s lapses. */
  public static final Duration LAPSE = Duration.ofSeconds(6);

  private final LapseTimer timer;
  private final BiConsumer<String, String> onLapse;
  private final Map<Typist, Typing> typing = new HashMap<>();

  public TypingLapses(LapseTimer timer, BiConsumer<String, String> onLapse) {
    this.timer = timer;
    this.onLapse = onLapse;
  }

  private record Typist(String conversation, String user) {}

  /** One typing: who owns it and how to cancel its lapse. Identity matters: a renewal is a new one. */
  private static final class Typing {
    final Object owner;
    Runnable cancel;

    Typing(Object owner) {
      this.owner = owner;
    }
  }

  /** {@code user} started (or renewed) typing in {@code conversation} through {@code owner}. */
  public void started(String conversation, String user, Object owner) {
    Typist typist = new Typist(conversation, user);
    Typing mine = new Typing(Objects.requireNonNull(owner, "owner"));
    Typing previous;
    synchronized (this) {
      previous = typing.put(typist, mine);
      // scheduled under the lock, so a lapse that fires at once still finds it
      mine.cancel = timer.after(LAPSE, () -> lapse(typist, mine));
    }
    if (previous != null) {
      previous.cancel.run();
    }
  }

  /** {@code user} stopped typing in {@code conversation}; returns whether they were typing here. */
  public boolean stopped(String conversation, String user) {
    Typing ended;
    synchronized (this) {
      ended = typing.remove(new Typist(conversation, user));
    }
    if (ended == null) {
      return false;
    }
    ended.cancel.run();
    return true;
  }

  /** {@code owner} closed: the conversations whose typing it owned, which end now (without a lapse). */
  public List<String> closed(Object owner) {
    List<Typing> ended = new ArrayList<>();
    List<String> conversations = new ArrayList<>();
    synchronized (this) {
      typing.entrySet().removeIf(entry -> {
        if (entry.getValue().owner != owner) {
          return false;
        }
        ended.add(entry.getValue());
        conversations.add(entry.getKey().conversation());
        return true;
      });
    }
    ended.forEach(t -> t.cancel.run());
    return conversations;
  }

  /** How many members are typing as this node knows (for tests and metrics). */
  public synchronized int typingCount() {
    return typing.size();
  }

  private void lapse(Typist typist, Typing expected) {
    synchronized (this) {
      if (!typing.remove(typist, expected)) {
        return; // renewed, stopped or closed since this lapse was scheduled
      }
    }
    onLapse.accept(typist.conversation(), typist.user());
  }
}
