package io.rallypoint.location.topology;

import io.rallypoint.schemas.event.LocationUpdate;
import java.util.Objects;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Keyed by conversation: passes a position on to the session router, as a {@link Membership} keyed
 * by user, only when the user shares in this conversation from a session not seen here last time.
 * The router only needs to learn each (conversation, session) once; sending every position through
 * the {@code memberships} repartition topic doubled the writes per position and the partitions in
 * every transaction.
 *
 * <p>Store {@value LocationTopology#MEMBERSHIPS_SEEN_STORE}: (conversation, user) -> the session
 * last passed on.
 */
final class NewMemberships implements Processor<String, LocationUpdate, String, Membership> {

  /** Stands for a null session in the store, where a null value would mean "delete". */
  private static final String NO_SESSION = "\u0000";

  private ProcessorContext<String, Membership> context;
  private KeyValueStore<String, String> seen;

  @Override
  public void init(ProcessorContext<String, Membership> context) {
    this.context = context;
    this.seen = context.getStateStore(LocationTopology.MEMBERSHIPS_SEEN_STORE);
  }

  @Override
  public void process(Record<String, LocationUpdate> record) {
    String conversation = record.key();
    LocationUpdate u = record.value();
    if (conversation == null || u == null || u.user() == null) {
      return;
    }
    String key = key(conversation, u.user());
    String session = u.session() == null ? NO_SESSION : u.session();
    if (Objects.equals(seen.get(key), session)) {
      return;
    }
    seen.put(key, session);
    context.forward(record.withKey(u.user()).withValue(new Membership(conversation, u.user(), u.session())));
  }

  /** Unambiguous for any two strings: the conversation's length comes first. */
  static String key(String conversation, String user) {
    return conversation.length() + ":" + conversation + user;
  }
}
