package io.rallypoint.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;

/**
 * Reads persisted chat messages ({@code messages}, written by the persister) for sync, the seqs
 * that will never be filled ({@code message_gaps}), and the highest seq that seeds a lost seq
 * counter. Blocking JDBC: call it off the event loops.
 */
public final class MessageRepository {

  private static final String COLUMNS =
      "SELECT conversation_id, message_id, seq, sender_id, client_msg_id, body, metadata::text, sent_at FROM messages ";

  private final DataSource dataSource;

  public MessageRepository(DataSource dataSource) {
    this.dataSource = dataSource;
  }

  /** Up to {@code limit} messages with seq above {@code afterSeq}, oldest first. */
  public List<ChatMessage> afterSeq(String conversation, long afterSeq, int limit) throws SQLException {
    return query(COLUMNS + "WHERE conversation_id = ? AND seq > ? ORDER BY seq LIMIT ?", conversation, afterSeq, limit);
  }

  /**
   * Up to {@code limit} messages in seq order, from the last one sent at or before {@code instant}
   * (included, so sync knows where the client's time position is in seq) onwards; from seq 1 when
   * none was. Both lookups use an index: (conversation_id, sent_at) backwards, then (conversation_id, seq).
   */
  public List<ChatMessage> fromLastSentAtOrBefore(String conversation, Instant instant, int limit) throws SQLException {
    return query(COLUMNS + "WHERE conversation_id = ? AND seq >= COALESCE((SELECT seq FROM messages"
            + " WHERE conversation_id = ? AND sent_at <= ? ORDER BY sent_at DESC, seq DESC LIMIT 1), 0)"
            + " ORDER BY seq LIMIT ?",
        conversation, conversation, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), limit);
  }

  /** The latest {@code limit} messages, oldest first. */
  public List<ChatMessage> latest(String conversation, int limit) throws SQLException {
    List<ChatMessage> newestFirst =
        query(COLUMNS + "WHERE conversation_id = ? ORDER BY seq DESC LIMIT ?", conversation, limit);
    Collections.reverse(newestFirst);
    return newestFirst;
  }

  /**
   * The highest seq stored for the conversation, 0 when it has none: one step backwards on the
   * (conversation_id, seq) unique index.
   */
  public long highestSeq(String conversation) throws SQLException {
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT COALESCE(MAX(seq), 0) FROM messages WHERE conversation_id = ?")) {
      s.setString(1, conversation);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /**
   * Which of {@code seqs} the persister recorded in {@code message_gaps}: acked seqs whose message
   * will never be stored (dead-lettered, or a resend skipped for its taken clientMsgId). One lookup
   * on the table's primary key.
   */
  public Set<Long> gapsAmong(String conversation, Collection<Long> seqs) throws SQLException {
    Set<Long> gaps = new HashSet<>();
    try (Connection c = dataSource.getConnection();
        PreparedStatement s = c.prepareStatement("SELECT seq FROM message_gaps WHERE conversation_id = ? AND seq = ANY (?)")) {
      s.setString(1, conversation);
      s.setArray(2, c.createArrayOf("bigint", seqs.toArray()));
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          gaps.add(rs.getLong(1));
        }
      }
    }
    return gaps;
  }

  private List<ChatMessage> query(String sql, Object... parameters) throws SQLException {
    List<ChatMessage> messages = new ArrayList<>();
    try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        s.setObject(i + 1, parameters[i]);
      }
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          messages.add(new ChatMessage(
              rs.getString(1),
              rs.getString(2),
              rs.getLong(3),
              rs.getString(4),
              rs.getString(5),
              rs.getString(6),
              (ObjectNode) Json.parse(rs.getString(7)),
              rs.getObject(8, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return messages;
  }
}
