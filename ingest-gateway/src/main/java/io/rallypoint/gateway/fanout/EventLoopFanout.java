package io.rallypoint.gateway.fanout;

import io.netty.buffer.ByteBuf;
import io.netty.channel.EventLoop;
import io.rallypoint.gateway.wire.EncodedTextFrame;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Writes one WebSocket text frame to many connections: encoded once ({@link EncodedTextFrame}), the
 * same bytes for all, and one task per event loop that writes to all of that loop's connections,
 * instead of one cross-thread write task (and wake-up) per connection. Each task is queued like
 * any other write, so each connection still gets its frames in the order they were produced.
 */
public final class EventLoopFanout {

  private EventLoopFanout() {}

  /**
   * Writes {@code frameText} to every target that {@code include} accepts, by calling
   * {@code writeInLoop(target, frame)} on the target's loop; that call takes its own reference to
   * the frame if it keeps it. Returns how many targets it went to (0: nothing was encoded).
   */
  public static <T> int write(Iterable<T> targets, Predicate<T> include, Function<T, EventLoop> loopOf,
      String frameText, BiConsumer<T, ByteBuf> writeInLoop) {
    Map<EventLoop, List<T>> byLoop = new HashMap<>();
    int count = 0;
    for (T target : targets) {
      if (include.test(target)) {
        byLoop.computeIfAbsent(loopOf.apply(target), loop -> new ArrayList<>()).add(target);
        count++;
      }
    }
    if (count == 0) {
      return 0;
    }
    ByteBuf shared = EncodedTextFrame.of(frameText);
    try {
      byLoop.forEach((loop, onLoop) -> {
        ByteBuf reference = shared.retain();
        try {
          loop.execute(() -> {
            try {
              for (T target : onLoop) {
                writeInLoop.accept(target, reference);
              }
            } finally {
              reference.release();
            }
          });
        } catch (RejectedExecutionException e) {
          reference.release(); // the loop is shutting down
        }
      });
    } finally {
      shared.release();
    }
    return count;
  }
}
