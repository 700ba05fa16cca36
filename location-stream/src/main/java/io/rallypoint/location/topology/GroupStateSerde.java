package io.rallypoint.location.topology;

import io.rallypoint.schemas.frame.Exclusion;
import io.rallypoint.schemas.frame.GeoPoint;
import io.rallypoint.schemas.frame.MeetingPoint;
import io.rallypoint.schemas.json.JsonSerde;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * The store format of {@link GroupState}: a small versioned binary layout, because the group is
 * read and written on every position and JSON (field names, ISO instants, decimal doubles) was the
 * stream thread's largest cost. Doubles and instants are kept exactly. State written as JSON by
 * earlier versions (a document starting with {@code '{'}) is still read.
 *
 * <p>Layout (version 2): version byte, conversation, members (count, then user, session, lat, lng,
 * at, anchor lat, anchor lng, movedAt), expired (count, then user, session, endedAt), ended (count,
 * then user, session count, sessions), published (presence flag, then the meeting point's fields).
 * Strings and instants may be null. Version 1 is the same without ended, and is still read.
 */
final class GroupStateSerde implements Serde<GroupState>, Serializer<GroupState>, Deserializer<GroupState> {

  static final byte VERSION = 2;
  private static final byte VERSION_WITHOUT_ENDED = 1;
  private static final byte JSON_START = '{';
  private static final JsonSerde<GroupState> LEGACY_JSON = JsonSerde.of(GroupState.class);
  private static final Exclusion.Reason[] REASONS = Exclusion.Reason.values();

  @Override
  public byte[] serialize(String topic, GroupState state) {
    if (state == null) {
      return null;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(128 + 96 * state.members().size());
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeByte(VERSION);
      writeString(out, state.conversation());
      out.writeInt(state.members().size());
      for (var e : state.members().entrySet()) {
        MemberState m = e.getValue();
        writeString(out, e.getKey());
        writeString(out, m.session());
        out.writeDouble(m.lat());
        out.writeDouble(m.lng());
        writeInstant(out, m.at());
        out.writeDouble(m.anchorLat());
        out.writeDouble(m.anchorLng());
        writeInstant(out, m.movedAt());
      }
      out.writeInt(state.expired().size());
      for (var e : state.expired().entrySet()) {
        writeString(out, e.getKey());
        writeString(out, e.getValue().session());
        writeInstant(out, e.getValue().endedAt());
      }
      out.writeInt(state.ended().size());
      for (var e : state.ended().entrySet()) {
        writeString(out, e.getKey());
        out.writeInt(e.getValue().size());
        for (String session : e.getValue()) {
          writeString(out, session);
        }
      }
      writePoint(out, state.published());
    } catch (IOException e) {
      throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
    }
    return bytes.toByteArray();
  }

  @Override
  public GroupState deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length > 0 && data[0] == JSON_START) {
      return LEGACY_JSON.deserialize(topic, data);
    }
    if (data.length == 0 || (data[0] != VERSION && data[0] != VERSION_WITHOUT_ENDED)) {
      throw new SerializationException("not a GroupState of version " + VERSION
          + (data.length == 0 ? ": empty" : ": version byte " + data[0]) + (topic == null ? "" : " (" + topic + ")"));
    }
    ByteBuffer in = ByteBuffer.wrap(data, 1, data.length - 1);
    try {
      String conversation = readString(in);
      int memberCount = in.getInt();
      TreeMap<String, MemberState> members = new TreeMap<>();
      for (int i = 0; i < memberCount; i++) {
        String user = readString(in);
        members.put(user, new MemberState(readString(in), in.getDouble(), in.getDouble(), readInstant(in),
            in.getDouble(), in.getDouble(), readInstant(in)));
      }
      int expiredCount = in.getInt();
      TreeMap<String, GroupState.ExpiredMember> expired = new TreeMap<>();
      for (int i = 0; i < expiredCount; i++) {
        String user = readString(in);
        expired.put(user, new GroupState.ExpiredMember(readString(in), readInstant(in)));
      }
      TreeMap<String, List<String>> ended = new TreeMap<>();
      int endedCount = data[0] == VERSION_WITHOUT_ENDED ? 0 : in.getInt();
      for (int i = 0; i < endedCount; i++) {
        String user = readString(in);
        int sessionCount = in.getInt();
        List<String> sessions = new ArrayList<>(sessionCount);
        for (int j = 0; j < sessionCount; j++) {
          sessions.add(readString(in));
        }
        ended.put(user, List.copyOf(sessions));
      }
      MeetingPoint published = readPoint(in);
      if (in.hasRemaining()) {
        throw new SerializationException(in.remaining() + " unexpected bytes after a GroupState");
      }
      return new GroupState(conversation, members, expired, ended, published);
    } catch (RuntimeException e) {
      if (e instanceof SerializationException se) {
        throw se;
      }
      throw new SerializationException("not a valid GroupState: " + e, e);
    }
  }

  @Override
  public Serializer<GroupState> serializer() {
    return this;
  }

  @Override
  public Deserializer<GroupState> deserializer() {
    return this;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    // nothing to configure: the layout is fixed
  }

  @Override
  public void close() {}

  private static void writePoint(DataOutputStream out, MeetingPoint p) throws IOException {
    out.writeBoolean(p != null);
    if (p == null) {
      return;
    }
    writeString(out, p.conversation());
    writeNullableDouble(out, p.lat());
    writeNullableDouble(out, p.lng());
    out.writeBoolean(p.fairPoint() != null);
    if (p.fairPoint() != null) {
      out.writeDouble(p.fairPoint().lat());
      out.writeDouble(p.fairPoint().lng());
    }
    out.writeInt(p.members().size());
    for (String member : p.members()) {
      writeString(out, member);
    }
    out.writeInt(p.excluded().size());
    for (Exclusion x : p.excluded()) {
      writeString(out, x.user());
      out.writeByte(x.reason() == null ? -1 : x.reason().ordinal());
    }
    writeInstant(out, p.computedAt());
    writeString(out, p.reason());
  }

  private static MeetingPoint readPoint(ByteBuffer in) {
    if (in.get() == 0) {
      return null;
    }
    String conversation = readString(in);
    Double lat = readNullableDouble(in);
    Double lng = readNullableDouble(in);
    GeoPoint fair = in.get() == 0 ? null : new GeoPoint(in.getDouble(), in.getDouble());
    int memberCount = in.getInt();
    List<String> members = new ArrayList<>(memberCount);
    for (int i = 0; i < memberCount; i++) {
      members.add(readString(in));
    }
    int excludedCount = in.getInt();
    List<Exclusion> excluded = new ArrayList<>(excludedCount);
    for (int i = 0; i < excludedCount; i++) {
      String user = readString(in);
      byte reason = in.get();
      excluded.add(new Exclusion(user, reason < 0 ? null : REASONS[reason]));
    }
    return new MeetingPoint(conversation, lat, lng, fair, members, excluded, readInstant(in), readString(in));
  }

  private static void writeString(DataOutputStream out, String s) throws IOException {
    if (s == null) {
      out.writeInt(-1);
      return;
    }
    byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
    out.writeInt(utf8.length);
    out.write(utf8);
  }

  private static String readString(ByteBuffer in) {
    int length = in.getInt();
    if (length < 0) {
      return null;
    }
    String s = new String(in.array(), in.arrayOffset() + in.position(), length, StandardCharsets.UTF_8);
    in.position(in.position() + length);
    return s;
  }

  private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
    out.writeBoolean(t != null);
    if (t != null) {
      out.writeLong(t.getEpochSecond());
      out.writeInt(t.getNano());
    }
  }

  private static Instant readInstant(ByteBuffer in) {
    return in.get() == 0 ? null : Instant.ofEpochSecond(in.getLong(), in.getInt());
  }

  private static void writeNullableDouble(DataOutputStream out, Double d) throws IOException {
    out.writeBoolean(d != null);
    if (d != null) {
      out.writeDouble(d);
    }
  }

  private static Double readNullableDouble(ByteBuffer in) {
    return in.get() == 0 ? null : in.getDouble();
  }
}
