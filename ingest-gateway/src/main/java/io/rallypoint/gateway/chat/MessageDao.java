package io.rallypoint.gateway.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rallypoint.schemas.frame.ChatMessage;
import io.rallypoint.schemas.json.Json;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.sqlobject.config.RegisterRowMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindList;
import org.jdbi.v3.sqlobject.statement.SqlQuery;

/**
 * Persisted chat messages ({@code messages}, written by the persister) for sync, the seqs that
 * will never be filled ({@code message_gaps}), and the highest seq that seeds a lost seq counter.
 * Blocking JDBC: call it off the event loops.
 */
@RegisterRowMapper(MessageDao.MessageRow.class)
public interface MessageDao {

  /** Up to {@code limit} messages with seq above {@code afterSeq}, oldest first. */
  @SqlQuery("""
      SELECT conversation_id, message_id, seq, sender_id, client_msg_id, body, metadata::text, sent_at FROM messages
      WHERE conversation_id = :conversation AND seq > :afterSeq ORDER BY seq LIMIT :limit
      """)
  List<ChatMessage> afterSeq(@Bind("conversation") String conversation, @Bind("afterSeq") long afterSeq,
      @Bind("limit") int limit);

  /**
   * Up to {@code limit} messages in seq order, from the last one sent at or before {@code instant}
   * (included, so sync knows where the client's time position is in seq) onwards; from seq 1 when
   * none was. Both lookups use an index: (conversation_id, sent_at) backwards, then (conversation_id, seq).
   */
  default List<ChatMessage> fromLastSentAtOrBefore(String conversation, Instant instant, int limit) {
    return fromLastSentAtOrBefore(conversation, OffsetDateTime.ofInstant(instant, ZoneOffset.UTC), limit);
  }

  @SqlQuery("""
      SELECT conversation_id, message_id, seq, sender_id, client_msg_id, body, metadata::text, sent_at FROM messages
      WHERE conversation_id = :conversation AND seq >= COALESCE((SELECT seq FROM messages
        WHERE conversation_id = :conversation AND sent_at <= :instant ORDER BY sent_at DESC, seq DESC LIMIT 1), 0)
      ORDER BY seq LIMIT :limit
      """)
  List<ChatMessage> fromLastSentAtOrBefore(@Bind("conversation") String conversation,
      @Bind("instant") OffsetDateTime instant, @Bind("limit") int limit);

  /** The latest {@code limit} messages, oldest first. */
  default List<ChatMessage> latest(String conversation, int limit) {
    return newestFirst(conversation, limit).reversed();
  }

  @SqlQuery("""
      SELECT conversation_id, message_id, seq, sender_id, client_msg_id, body, metadata::text, sent_at FROM messages
      WHERE conversation_id = :conversation ORDER BY seq DESC LIMIT :limit
      """)
  List<ChatMessage> newestFirst(@Bind("conversation") String conversation, @Bind("limit") int limit);

  /** The highest seq stored for the conversation and its sentAt: one step backwards on the (conversation_id, seq) index. */
  @SqlQuery("SELECT seq, sent_at FROM messages WHERE conversation_id = :conversation ORDER BY seq DESC LIMIT 1")
  @RegisterRowMapper(LastRow.class)
  Optional<Last> last(@Bind("conversation") String conversation);

  /** A conversation's highest stored seq and when that message was sent. */
  record Last(long seq, Instant sentAt) {}

  /**
   * Which of {@code seqs} (not empty) the persister recorded in {@code message_gaps}: acked seqs
   * whose message will never be stored (dead-lettered, or a resend skipped for its taken
   * clientMsgId). One lookup on the table's primary key.
   */
  @SqlQuery("SELECT seq FROM message_gaps WHERE conversation_id = :conversation AND seq IN (<seqs>)")
  Set<Long> gapsAmong(@Bind("conversation") String conversation, @BindList("seqs") Collection<Long> seqs);

  /** A row of {@link #last}. */
  final class LastRow implements RowMapper<Last> {
    @Override
    public Last map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new Last(rs.getLong(1), rs.getObject(2, OffsetDateTime.class).toInstant());
    }
  }

  /** A row of the SELECTs above as a chat message. */
  final class MessageRow implements RowMapper<ChatMessage> {
    @Override
    public ChatMessage map(ResultSet rs, StatementContext ctx) throws SQLException {
      return new ChatMessage(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
          rs.getString(6), (ObjectNode) Json.parse(rs.getString(7)), rs.getObject(8, OffsetDateTime.class).toInstant());
    }
  }
}
