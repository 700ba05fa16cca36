package io.rallypoint.gateway.store;

import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * The channels the store's scripts publish on, as a subscriber sees them: plain pub/sub on a
 * standalone Redis, sharded pub/sub on a Redis Cluster (a conversation's messages reach only the
 * nodes of its slot, whatever the size of the cluster).
 */
public interface PubSubChannels extends AutoCloseable {

  /** Hands every message received on a subscribed channel to {@code sink(channel, payload)}. */
  void listen(BiConsumer<String, String> sink);

  /** Completes once the subscription is confirmed. */
  CompletableFuture<Void> subscribe(String channel);

  /** Completes once the server confirmed it. */
  CompletableFuture<Void> unsubscribe(String channel);

  @Override
  void close();
}
