package io.rallypoint.schemas.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeDeserializer;
import com.fasterxml.jackson.databind.jsontype.TypeSerializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.rallypoint.schemas.frame.ChatMessage;
import java.io.IOException;

/**
 * Chat messages nested in a {@code sync} reply are "message objects without type" (PROTOCOL), yet
 * {@link ChatMessage} is also the {@code message} frame. These write and read the nested ones with
 * the plain mapper, so no {@code type} is added or expected.
 */
public final class UntypedChatMessage {

  private UntypedChatMessage() {}

  /** Writes a chat message without its frame type. */
  public static final class Writer extends StdSerializer<ChatMessage> {
    public Writer() {
      super(ChatMessage.class);
    }

    @Override
    public void serialize(ChatMessage value, JsonGenerator gen, SerializerProvider provider) throws IOException {
      gen.writeTree(Json.toTree(value));
    }

    @Override
    public void serializeWithType(ChatMessage value, JsonGenerator gen, SerializerProvider provider, TypeSerializer type)
        throws IOException {
      serialize(value, gen, provider);
    }
  }

  /** Reads a chat message that carries no frame type. */
  public static final class Reader extends StdDeserializer<ChatMessage> {
    public Reader() {
      super(ChatMessage.class);
    }

    @Override
    public ChatMessage deserialize(JsonParser parser, DeserializationContext context) throws IOException {
      JsonNode tree = parser.readValueAsTree();
      return Json.fromTree(tree, ChatMessage.class);
    }

    @Override
    public Object deserializeWithType(JsonParser parser, DeserializationContext context, TypeDeserializer type)
        throws IOException {
      return deserialize(parser, context);
    }
  }
}
