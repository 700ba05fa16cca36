package io.rallypoint.gateway.it.fuzz;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** The counts of a fuzz run, shared by its connections, and the violations they found; printed at the end. */
public final class FuzzStats {

  private static final int VIOLATIONS_KEPT = 50;

  final AtomicLong frames = new AtomicLong();
  final AtomicLong messages = new AtomicLong();
  final AtomicLong bytes = new AtomicLong();
  final AtomicLong sessions = new AtomicLong();
  final AtomicLong trackedIds = new AtomicLong();
  final AtomicLong pushes = new AtomicLong();
  final AtomicLong pings = new AtomicLong();
  private final Map<String, LongAdder> mutations = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> replies = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> closes = new ConcurrentHashMap<>();
  private final Map<String, LongAdder> halfOpen = new ConcurrentHashMap<>();
  private final Map<String, String> notes = new java.util.concurrent.ConcurrentSkipListMap<>();
  private final ConcurrentLinkedQueue<String> violations = new ConcurrentLinkedQueue<>();
  private final AtomicInteger violationCount = new AtomicInteger();

  /** Counts a fuzz frame as it is written. */
  void wrote(FrameMutator.FuzzFrame frame) {
    frames.addAndGet(frame.frames());
    messages.addAndGet(frame.messages());
    bytes.addAndGet(frame.wire().length);
    pings.addAndGet(frame.pings());
    mutations.computeIfAbsent(frame.mutation().name(), k -> new LongAdder()).increment();
  }

  /** Adds up a finished session's replies. */
  void ended(ReplyLedger ledger, String how) {
    sessions.incrementAndGet();
    trackedIds.addAndGet(ledger.tracked());
    pushes.addAndGet(ledger.pushes());
    ledger.replyKinds().forEach((kind, n) -> replies.computeIfAbsent(kind, k -> new LongAdder()).add(n));
    closes.computeIfAbsent(how, k -> new LongAdder()).increment();
  }

  void halfOpen(String kind) {
    halfOpen.computeIfAbsent(kind, k -> new LongAdder()).increment();
  }

  /** A line of the report (heap, members, durations). */
  public void note(String key, String value) {
    notes.put(key, value);
  }

  /** Records a violation of the oracle; the first ones are kept for the failure message. */
  public void violation(String what) {
    if (violationCount.incrementAndGet() <= VIOLATIONS_KEPT) {
      violations.add(what);
    }
  }

  public int violationCount() {
    return violationCount.get();
  }

  public List<String> violations() {
    return new ArrayList<>(violations);
  }

  public long frames() {
    return frames.get();
  }

  long closes(String how) {
    LongAdder n = closes.get(how);
    return n == null ? 0 : n.sum();
  }

  /** The report, one fact a line. */
  public String report(FuzzPlan plan) {
    StringBuilder out = new StringBuilder("fuzz report: ").append(plan).append('\n');
    out.append("  frames written: ").append(frames.get()).append(" (").append(bytes.get() / 1024)
        .append(" KiB), completing ").append(messages.get()).append(" text and binary messages, with ")
        .append(pings.get()).append(" WebSocket pings\n");
    out.append("  sessions (connections opened): ").append(sessions.get()).append(", ids tracked: ")
        .append(trackedIds.get()).append(", pushes received: ").append(pushes.get()).append('\n');
    out.append("  mutations: ").append(sorted(mutations)).append('\n');
    out.append("  replies: ").append(sorted(replies)).append('\n');
    out.append("  how sessions ended: ").append(sorted(closes)).append('\n');
    out.append("  half-open sockets: ").append(sorted(halfOpen)).append('\n');
    notes.forEach((k, v) -> out.append("  ").append(k).append(": ").append(v).append('\n'));
    out.append("  violations: ").append(violationCount.get()).append('\n');
    violations.forEach(v -> out.append("    ").append(v).append('\n'));
    return out.toString();
  }

  private static Map<String, Long> sorted(Map<String, LongAdder> counts) {
    Map<String, Long> sorted = new TreeMap<>();
    counts.forEach((k, v) -> sorted.put(k, v.sum()));
    return sorted;
  }
}
