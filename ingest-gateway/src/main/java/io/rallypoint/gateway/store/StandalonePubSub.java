package io.rallypoint.gateway.store;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiConsumer;

/**
 * Plain pub/sub ({@code SUBSCRIBE}) on one standalone Redis connection; Lettuce subscribes again
 * after a reconnect.
 */
final class StandalonePubSub implements PubSubChannels {

  private final StatefulRedisPubSubConnection<String, String> connection;

  StandalonePubSub(StatefulRedisPubSubConnection<String, String> connection) {
    this.connection = connection;
  }

  @Override
  public void listen(BiConsumer<String, String> sink) {
    connection.addListener(new RedisPubSubAdapter<>() {
      @Override
      public void message(String channel, String payload) {
        sink.accept(channel, payload);
      }
    });
  }

  @Override
  public CompletableFuture<Void> subscribe(String channel) {
    return connection.async().subscribe(channel).toCompletableFuture();
  }

  @Override
  public CompletableFuture<Void> unsubscribe(String channel) {
    return connection.async().unsubscribe(channel).toCompletableFuture();
  }

  @Override
  public void close() {
    connection.close();
  }
}
