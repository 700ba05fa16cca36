package io.rallypoint.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rallypoint.schemas.db.Migrations;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The migrations build PROTOCOL section 3 in an empty database, and its rules hold. */
class MigrationsIT {

  @RegisterExtension
  static final PostgresSchema db = PostgresSchema.empty();

  @BeforeAll
  static void migrate() {
    assertThat(Migrations.migrate(db.dataSource())).isEqualTo("2");
  }

  @Test
  void an_empty_database_gets_every_protocol_table() throws SQLException {
    assertThat(tables()).contains("conversations", "conversation_members", "user_preferences", "recording_sessions",
        "messages", "read_receipts", "message_gaps");
  }

  @Test
  void migrating_again_is_a_no_op() {
    assertThat(Migrations.migrate(db.dataSource())).isEqualTo("2");
  }

  @Test
  void a_message_is_unique_per_conversation_seq_and_per_sender_client_msg_id() {
    db.sql("INSERT INTO conversations (id) VALUES ('c-unique')");
    db.sql(insertMessage("0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a10", "c-unique", 1, "alice", "11111111-1111-4111-8111-111111111111"));

    assertThatThrownBy(() -> db.sql(insertMessage(
        "0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a11", "c-unique", 1, "bob", "22222222-2222-4222-8222-222222222222")))
        .hasStackTraceContaining("messages_conversation_seq_key");
    assertThatThrownBy(() -> db.sql(insertMessage(
        "0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a12", "c-unique", 2, "alice", "11111111-1111-4111-8111-111111111111")))
        .hasStackTraceContaining("messages_sender_client_msg_key");
  }

  @Test
  void a_gap_is_one_per_conversation_seq_and_goes_with_its_conversation() throws SQLException {
    db.sql("INSERT INTO conversations (id) VALUES ('c-gap')");
    db.sql("INSERT INTO message_gaps (conversation_id, seq, message_id, reason) "
        + "VALUES ('c-gap', 7, '0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a40', 'dead-lettered')");

    assertThatThrownBy(() -> db.sql("INSERT INTO message_gaps (conversation_id, seq, reason) VALUES ('c-gap', 7, 'x')"))
        .hasStackTraceContaining("message_gaps_pkey");
    db.sql("DELETE FROM conversations WHERE id = 'c-gap'");
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM message_gaps WHERE conversation_id = 'c-gap'")) {
      rs.next();
      assertThat(rs.getLong(1)).isZero();
    }
  }

  @Test
  void metadata_is_jsonb_and_queryable_by_kind() throws SQLException {
    db.sql("INSERT INTO conversations (id) VALUES ('c-jsonb')");
    db.sql("INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, metadata, sent_at) "
        + "VALUES ('0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a20', 'c-jsonb', 1, 'alice', '33333333-3333-4333-8333-333333333333',"
        + " '', '{\"kind\":\"meetup\",\"lat\":51.5}', now())");

    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT metadata->>'kind', pg_typeof(metadata)::text FROM messages "
            + "WHERE conversation_id = 'c-jsonb' AND metadata @> '{\"kind\":\"meetup\"}'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("meetup");
      assertThat(rs.getString(2)).isEqualTo("jsonb");
    }
  }

  @Test
  void a_message_for_an_unknown_conversation_is_rejected() {
    assertThatThrownBy(() -> db.sql(insertMessage(
        "0190a8f2-7c1e-7d3a-9c55-2b1f0e6d4a30", "no-such-conversation", 1, "alice", "44444444-4444-4444-8444-444444444444")))
        .hasStackTraceContaining("foreign key");
  }

  @Test
  void the_sync_and_persister_indexes_exist() throws SQLException {
    List<String> indexes = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()")) {
      while (rs.next()) {
        indexes.add(rs.getString(1));
      }
    }
    assertThat(indexes).contains("messages_conversation_seq_key", "messages_sender_client_msg_key",
        "messages_conversation_sent_at_idx", "conversation_members_user_idx", "recording_sessions_active_idx");
  }

  private static String insertMessage(String id, String conversation, long seq, String sender, String clientMsgId) {
    return "INSERT INTO messages (message_id, conversation_id, seq, sender_id, client_msg_id, body, sent_at) VALUES ('"
        + id + "', '" + conversation + "', " + seq + ", '" + sender + "', '" + clientMsgId + "', 'hi', now())";
  }

  private static List<String> tables() throws SQLException {
    List<String> names = new ArrayList<>();
    try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")) {
      while (rs.next()) {
        names.add(rs.getString(1));
      }
    }
    return names;
  }
}
