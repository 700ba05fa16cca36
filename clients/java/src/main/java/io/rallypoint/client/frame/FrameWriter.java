package io.rallypoint.client.frame;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The wire form of every {@link ClientFrame}: one JSON object, {@code type} first, then the
 * {@code id} when there is one, then the frame's fields in PROTOCOL's order; optional fields that
 * are {@code null} are left out ({@code null} is not a value of any field, PROTOCOL section 1.2).
 */
public final class FrameWriter {

  private FrameWriter() {}

  /** The frame as the text of one WebSocket message. */
  public static String toJson(ClientFrame frame) {
    return FrameJson.write(gen -> write(frame, gen));
  }

  private static void write(ClientFrame frame, JsonGenerator gen) throws IOException {
    gen.writeStartObject();
    switch (frame) {
      case ClientFrame.Send f -> {
        head(gen, "send", f.id());
        gen.writeStringField("conversation", f.conversation());
        gen.writeStringField("clientMsgId", f.clientMsgId());
        gen.writeStringField("body", f.body());
        ObjectNode metadata = f.metadata();
        if (metadata != null) {
          gen.writeFieldName("metadata");
          gen.writeTree(metadata);
        }
      }
      case ClientFrame.Read f -> {
        head(gen, "read", f.id());
        gen.writeStringField("conversation", f.conversation());
        gen.writeNumberField("seq", f.seq());
      }
      case ClientFrame.Sync f -> {
        head(gen, "sync", f.id());
        gen.writeStringField("conversation", f.conversation());
        if (f.afterSeq() != null) {
          gen.writeNumberField("afterSeq", f.afterSeq());
        }
        if (f.lastSyncedAt() != null) {
          gen.writeStringField("lastSyncedAt", FrameJson.format(f.lastSyncedAt()));
        }
        if (f.limit() != null) {
          gen.writeNumberField("limit", f.limit());
        }
      }
      case ClientFrame.Location f -> {
        head(gen, "location", f.id());
        gen.writeStringField("conversation", f.conversation());
        gen.writeStringField("session", f.session());
        gen.writeNumberField("lat", f.lat());
        gen.writeNumberField("lng", f.lng());
        gen.writeStringField("at", FrameJson.format(f.at()));
      }
      case ClientFrame.Session f -> {
        head(gen, "session", f.id());
        gen.writeStringField("session", f.session());
        gen.writeStringField("state", f.state().wire());
        gen.writeStringField("at", FrameJson.format(f.at()));
      }
      case ClientFrame.Typing f -> {
        head(gen, "typing", f.id());
        gen.writeStringField("conversation", f.conversation());
        gen.writeStringField("state", f.state().wire());
      }
      case ClientFrame.Presence f -> {
        head(gen, "presence", f.id());
        gen.writeStringField("conversation", f.conversation());
      }
      case ClientFrame.MeetingPoint f -> {
        head(gen, "meetingPoint", f.id());
        gen.writeStringField("conversation", f.conversation());
      }
      case ClientFrame.Ping f -> head(gen, "ping", f.id());
    }
    gen.writeEndObject();
  }

  private static void head(JsonGenerator gen, String type, String id) throws IOException {
    gen.writeStringField("type", type);
    if (id != null) {
      gen.writeStringField("id", id);
    }
  }
}
