package io.rallypoint.gateway.store;

import io.lettuce.core.resource.NettyCustomizer;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;

/**
 * Lets a Redis connection write the commands of one event-loop turn with one system call.
 *
 * <p>Lettuce flushes after every command. Commands issued from other threads (each send from a
 * worker loop, each ack mark from Kafka's thread) reach the connection's loop as queued tasks, and
 * a flush per task made one {@code sendto} per command. Netty's {@link FlushConsolidationHandler},
 * first in the pipeline, turns those flushes into one at the end of the loop's current tasks (or of
 * the read under way): nothing waits longer than the turn it was written in.
 */
public final class FlushBatching implements NettyCustomizer {

  /** A flush is forced after this many consolidated ones, so a long burst still streams out. */
  private static final int MAX_CONSOLIDATED = 256;

  @Override
  public void afterChannelInitialized(Channel channel) {
    channel.pipeline().addFirst("rallypoint-flush-batching", new FlushConsolidationHandler(MAX_CONSOLIDATED, true));
  }
}
