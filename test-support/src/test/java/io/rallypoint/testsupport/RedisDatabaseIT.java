package io.rallypoint.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Each test class gets a Redis database of its own on the real server. */
class RedisDatabaseIT {

  @RegisterExtension
  static final RedisDatabase redis = new RedisDatabase();

  @Test
  void a_key_round_trips_through_the_real_server() {
    try (RedisClient client = redis.client(); StatefulRedisConnection<String, String> c = client.connect()) {
      c.sync().set("greeting", "hello");
      assertThat(c.sync().get("greeting")).isEqualTo("hello");
    }
  }

  @Test
  void the_database_is_not_the_default_one_services_use() {
    assertThat(redis.database()).isBetween(1, 15);
    assertThat(redis.url()).endsWith("/" + redis.database());
  }
}
