package io.rallypoint.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.sync.RedisAdvancedClusterCommands;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisClusterFixtureIT {

  @RegisterExtension
  static final RedisClusterFixture cluster = new RedisClusterFixture();

  @Test
  void spreadsKeysOverThreeMastersAndPromotesAReplicaWhenOneIsKilled() {
    try (RedisClusterClient client = RedisClusterClient.create(cluster.uris());
        StatefulRedisClusterConnection<String, String> connection = client.connect()) {
      RedisAdvancedClusterCommands<String, String> redis = connection.sync();
      // Given keys on every master
      Set<Integer> masters = new HashSet<>();
      for (int i = 0; i < 30; i++) {
        redis.set("k" + i, "v" + i);
        masters.add(cluster.masterOf("k" + i));
      }
      assertThat(masters).hasSize(3);
      assertThat(cluster.livePorts()).hasSize(6);
      assertThat(cluster.url()).startsWith("redis-cluster://127.0.0.1:");

      // When the master of k0 is killed
      int old = cluster.masterOf("k0");
      int promoted = cluster.killMasterOf("k0");

      // Then its replica serves the slot with the data it had replicated
      assertThat(promoted).isNotEqualTo(old);
      assertThat(cluster.livePorts()).hasSize(5).doesNotContain(old).contains(promoted);
      client.refreshPartitions();
      assertThat(redis.get("k0")).isEqualTo("v0");
    }
  }
}
