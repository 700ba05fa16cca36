package io.rallypoint.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The Maven-shipped PostgreSQL and Redis start, answer, stop, and keep their data across a restart. */
class EmbeddedServersIT {

  @Test
  void postgres_keeps_its_rows_across_a_restart() throws Exception {
    Path dir = Files.createTempDirectory("rallypoint-pg-it-");
    int port;
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, 0)) {
      port = pg.port();
      sql(pg, "CREATE TABLE kept (v text)");
      sql(pg, "INSERT INTO kept VALUES ('still here')");
    }
    try (EmbeddedPostgres pg = EmbeddedPostgres.start(dir, port)) {
      try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + port + "/postgres", "postgres", "");
          Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("still here");
      }
      assertThat(pg.databaseUrl()).isEqualTo("postgresql://postgres@127.0.0.1:" + port + "/postgres");
    }
  }

  @Test
  void redis_keeps_its_keys_across_a_restart() throws Exception {
    Path dir = Files.createTempDirectory("rallypoint-redis-it-");
    int port;
    try (EmbeddedRedis redis = EmbeddedRedis.start(dir, 0)) {
      port = redis.port();
      assertThat(command(port, "SET kept yes")).isEqualTo("+OK");
      assertThat(command(port, "INCR seq")).isEqualTo(":1");
    }
    try (EmbeddedRedis redis = EmbeddedRedis.start(dir, port)) {
      assertThat(command(port, "INCR seq")).as("the counter went on, it did not restart at 1").isEqualTo(":2");
      assertThat(redis.redisUrl()).isEqualTo("redis://127.0.0.1:" + port);
    }
  }

  @Test
  void redis_refuses_a_port_that_is_taken_with_an_error_that_names_it() throws Exception {
    Path dir = Files.createTempDirectory("rallypoint-redis-it-");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      assertThatThrownBy(() -> EmbeddedRedis.start(dir, taken.getLocalPort()).close())
          .hasMessageContaining("port " + taken.getLocalPort());
    }
  }

  @Test
  void kafka_on_any_port_takes_two_distinct_ones_and_keeps_its_controller_across_a_restart() throws Exception {
    Path dir = Files.createTempDirectory("rallypoint-kafka-it-");
    String first;
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, 0)) {
      first = kafka.bootstrapServers();
    }
    int port = Integer.parseInt(first.substring(first.lastIndexOf(':') + 1));
    try (EmbeddedKafka kafka = EmbeddedKafka.start(dir, port)) {
      assertThat(kafka.bootstrapServers()).isEqualTo(first);
    }
  }

  @Test
  void kafka_refuses_a_client_port_that_is_taken_instead_of_hanging() throws Exception {
    Path dir = Files.createTempDirectory("rallypoint-kafka-it-");
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      long start = System.nanoTime();
      assertThatThrownBy(() -> EmbeddedKafka.start(dir, taken.getLocalPort()).close())
          .isInstanceOf(RuntimeException.class);
      assertThat(java.time.Duration.ofNanos(System.nanoTime() - start)).isLessThan(java.time.Duration.ofSeconds(60));
    }
  }

  private static void sql(EmbeddedPostgres pg, String statement) throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:"
            + pg.databaseUrl().replaceAll(".*:(\\d+)/.*", "$1") + "/postgres", "postgres", "");
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /** One inline Redis command, its first reply line (RESP). */
  private static String command(int port, String command) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write((command + "\r\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder line = new StringBuilder();
      for (int b; (b = in.read()) != -1 && b != '\r'; ) {
        line.append((char) b);
      }
      return line.toString();
    }
  }

}
