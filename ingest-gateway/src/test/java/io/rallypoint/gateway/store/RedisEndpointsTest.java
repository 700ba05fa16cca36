package io.rallypoint.gateway.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.Test;

class RedisEndpointsTest {

  @Test
  void aRedisUrlIsOneStandaloneServerWithItsDatabase() {
    RedisEndpoints endpoints = RedisEndpoints.parse("redis://10.0.0.5:6390/3");

    assertThat(endpoints.cluster()).isFalse();
    assertThat(endpoints.nodes()).extracting(RedisURI::getHost, RedisURI::getPort)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("10.0.0.5", 6390));
    assertThat(endpoints.database()).isEqualTo(3);
  }

  @Test
  void aRedisClusterUrlIsItsSeedNodesInDatabaseZeroWithTheirCredentials() {
    RedisEndpoints endpoints = RedisEndpoints.parse("redis-cluster://app:s3cret@r1:7000,r2:7001,10.0.0.9:7002");

    assertThat(endpoints.cluster()).isTrue();
    assertThat(endpoints.database()).isZero();
    assertThat(endpoints.nodes()).extracting(RedisURI::getHost).containsExactly("r1", "r2", "10.0.0.9");
    assertThat(endpoints.nodes()).extracting(RedisURI::getPort).containsExactly(7000, 7001, 7002);
    assertThat(endpoints.nodes()).allSatisfy(node -> {
      RedisCredentials credentials = node.getCredentialsProvider().resolveCredentials().block();
      assertThat(credentials.getUsername()).isEqualTo("app");
      assertThat(new String(credentials.getPassword())).isEqualTo("s3cret");
    });
    assertThat(endpoints.toString()).isEqualTo("Redis Cluster r1:7000,r2:7001,10.0.0.9:7002").doesNotContain("s3cret");
  }

  @Test
  void aClusterUrlWithAnotherDatabaseOrWithoutPortsIsRefusedNamingTheUrl() {
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://r1:7000/2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("redis-cluster://r1:7000/2")
        .hasMessageContaining("database 0");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://r1:7000,r2"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'r2' is not host:port");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
