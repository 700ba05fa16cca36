package io.rallypoint.location.app;

import static org.assertj.core.api.Assertions.assertThat;

import io.rallypoint.location.LocationConfig;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.state.HostInfo;
import org.junit.jupiter.api.Test;

/** The Kafka Streams settings that bound how long an update takes to reach the output. */
class StreamsPropertiesTest {

  private final LocationConfig cfg = LocationConfig.defaults("127.0.0.1:9092");

  @Test
  void exactlyOnceWithOutputVisibleAtEachShortCommitAndNothingHeldBack() {
    Properties p = LocationStreamApp.streamsProperties(cfg, new HostInfo("127.0.0.1", 8081));
    StreamsConfig streams = new StreamsConfig(p);

    assertThat(streams.getString(StreamsConfig.PROCESSING_GUARANTEE_CONFIG)).isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
    assertThat(streams.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG)).isEqualTo(cfg.commitInterval().toMillis());
    assertThat(streams.getLong(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG)).isZero();
    // The producer sends within a few ms instead of Streams' default 100 ms linger.
    assertThat(streams.getProducerConfigs("p").get(ProducerConfig.LINGER_MS_CONFIG))
        .isEqualTo(LocationStreamApp.PRODUCER_LINGER_MS);
    assertThat(streams.getMainConsumerConfigs("g", "c", 0).get(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG))
        .isEqualTo(LocationStreamApp.FETCH_MAX_WAIT_MS);
    assertThat(streams.getLong(StreamsConfig.POLL_MS_CONFIG)).isLessThanOrEqualTo(cfg.commitInterval().toMillis());
  }

  @Test
  void internalTopicsAreReplicatedAsTheSettingSays() {
    LocationConfig cluster = LocationConfig.from(io.rallypoint.schemas.config.Env.of(java.util.Map.of()));
    StreamsConfig streams = new StreamsConfig(LocationStreamApp.streamsProperties(cluster, new HostInfo("127.0.0.1", 8081)));

    // unset: a cluster's three replicas, two in sync, for changelogs and repartition topics
    assertThat(streams.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(3);
    assertThat(streams.originalsWithPrefix(StreamsConfig.TOPIC_PREFIX)).containsEntry("min.insync.replicas", 2);
    assertThat(streams.getProducerConfigs("p").get(ProducerConfig.ACKS_CONFIG)).isEqualTo("all");
    // the one-broker defaults of tests and `up`: one replica
    assertThat(new StreamsConfig(LocationStreamApp.streamsProperties(cfg, new HostInfo("127.0.0.1", 8081)))
        .getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG)).isEqualTo(1);
  }

  @Test
  void aCrashedInstanceIsReplacedWithinSecondsAndARestartedOneRejoinsAsItself() {
    StreamsConfig streams = new StreamsConfig(LocationStreamApp.streamsProperties(
        cfg.withInstanceId("location-a"), new HostInfo("127.0.0.1", 8081)));
    var consumer = streams.getMainConsumerConfigs("g", "c", 0);

    assertThat(consumer.get(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG)).isEqualTo((int) cfg.sessionTimeout().toMillis());
    assertThat((Integer) consumer.get(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG)).isLessThanOrEqualTo(1_000);
    // Streams names each thread's static member after the instance
    assertThat(consumer.get(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)).isEqualTo("location-a-0");
    assertThat(streams.getInt(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
    assertThat(streams.getProducerConfigs("p").get(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG))
        .isEqualTo((int) LocationStreamApp.TRANSACTION_TIMEOUT.toMillis());
  }

  @Test
  void withoutAnInstanceIdTheMemberIsDynamic() {
    StreamsConfig streams = new StreamsConfig(LocationStreamApp.streamsProperties(cfg, new HostInfo("127.0.0.1", 8081)));
    assertThat(streams.getMainConsumerConfigs("g", "c", 0)).doesNotContainKey(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
  }
}
