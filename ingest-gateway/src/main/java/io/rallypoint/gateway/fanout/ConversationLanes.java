package io.rallypoint.gateway.fanout;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where a conversation's broadcasts run: always the same event loop of the node's worker group,
 * chosen by the conversation.
 *
 * <p>Redis answers every accept on the one thread of its connection, in the order it assigned the
 * seqs. Broadcasting there made that thread the node's bottleneck (it encoded and wrote every
 * delivery of every conversation); handing each answer to one of the worker loops spreads that
 * work over the cores. Because a conversation always gets the same loop, and a loop runs its tasks
 * in order, a conversation's messages still go out in seq order.
 */
public final class ConversationLanes {

  private final Executor[] lanes;

  /** One lane per event loop of the group. */
  public ConversationLanes(EventExecutorGroup workers) {
    this(loopsOf(workers));
  }

  /** One lane per executor; each must run its tasks in order. */
  public ConversationLanes(List<? extends Executor> lanes) {
    if (lanes.isEmpty()) {
      throw new IllegalArgumentException("no lane to run broadcasts on");
    }
    this.lanes = lanes.toArray(Executor[]::new);
  }

  private static List<EventExecutor> loopsOf(EventExecutorGroup workers) {
    List<EventExecutor> all = new ArrayList<>();
    workers.forEach(all::add);
    return all;
  }

  /** The executor that runs this conversation's broadcasts. */
  public Executor of(String conversation) {
    return lanes[Math.floorMod(conversation.hashCode(), lanes.length)];
  }
}
