package io.rallypoint.gateway.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.rallypoint.gateway.admin.AdminCall.AddMember;
import io.rallypoint.gateway.admin.AdminCall.CreateConversation;
import io.rallypoint.gateway.admin.AdminCall.ListMembers;
import io.rallypoint.gateway.admin.AdminCall.Refused;
import io.rallypoint.gateway.admin.AdminCall.RemoveMember;
import io.rallypoint.gateway.admin.AdminCall.SetConsent;
import io.rallypoint.schemas.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Reads an admin API request (PROTOCOL section 5) without any I/O: the call it names, or why it
 * is refused, checked in this order: a path that is no route (404), a method the route does not
 * take (405, with {@code Allow}), an identifier that is not one (400), a body that is not the one
 * the route wants (400).
 */
public final class AdminRoutes {

  /** Where the admin API lives. */
  public static final String PREFIX = "/admin";
  /** Identifiers are 1 to 128 characters (code points) after percent-decoding (PROTOCOL conventions). */
  public static final int MAX_ID_CHARS = 128;

  /** Exactly one JSON document: {@code {} junk} is not one. */
  private static final ObjectReader BODY = Json.readerFor(JsonNode.class)
      .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private AdminRoutes() {}

  /**
   * Reads a request.
   *
   * @param method      the HTTP method, e.g. {@code PUT}
   * @param uri         the request target as sent (percent-encoded; a query is ignored)
   * @param contentType the {@code Content-Type} header, or null
   * @param body        the body's bytes (empty when none)
   */
  public static AdminCall parse(String method, String uri, String contentType, byte[] body) {
    String path = uri.split("[?#]", 2)[0];
    if (!path.startsWith(PREFIX + "/")) {
      return noRoute(path);
    }
    List<String> segments = List.of(path.substring(PREFIX.length() + 1).split("/", -1));
    String first = segments.getFirst();
    return switch (segments.size()) {
      case 2 -> first.equals("conversations")
          ? only(method, "PUT", () -> withId(segments.get(1), "conversation", conversation ->
              withObject(contentType, body, object -> new CreateConversation(conversation))))
          : noRoute(path);
      case 3 -> {
        if (first.equals("conversations") && segments.get(2).equals("members")) {
          yield only(method, "GET", () -> withId(segments.get(1), "conversation", ListMembers::new));
        }
        if (first.equals("users") && segments.get(2).equals("preferences")) {
          yield only(method, "PUT", () -> withId(segments.get(1), "user", user ->
              withObject(contentType, body, object -> consent(user, object))));
        }
        yield noRoute(path);
      }
      case 4 -> first.equals("conversations") && segments.get(2).equals("members")
          ? member(method, segments.get(1), segments.get(3), contentType, body)
          : noRoute(path);
      default -> noRoute(path);
    };
  }

  private static AdminCall member(String method, String rawConversation, String rawUser, String contentType,
      byte[] body) {
    if (!method.equals("PUT") && !method.equals("DELETE")) {
      return notAllowed(method, "PUT, DELETE");
    }
    return withId(rawConversation, "conversation", conversation -> withId(rawUser, "user", user ->
        method.equals("PUT")
            ? withObject(contentType, body, object -> new AddMember(conversation, user))
            : new RemoveMember(conversation, user)));
  }

  private static AdminCall consent(String user, JsonNode body) {
    JsonNode enabled = body.get("locationSharingEnabled");
    if (enabled == null || !enabled.isBoolean()) {
      return Refused.badRequest("the body must be {\"locationSharingEnabled\": true|false}: $.locationSharingEnabled is "
          + (enabled == null ? "missing" : "not a boolean"));
    }
    return new SetConsent(user, enabled.booleanValue());
  }

  private static AdminCall noRoute(String path) {
    return new Refused(404, "not_found", "no admin route " + path, null);
  }

  private static AdminCall notAllowed(String method, String allow) {
    return new Refused(405, "bad_request", "method " + method + " is not allowed here; use " + allow, allow);
  }

  private static AdminCall only(String method, String allowed, Supplier<AdminCall> then) {
    return method.equals(allowed) ? then.get() : notAllowed(method, allowed);
  }

  private static AdminCall withId(String raw, String what, Function<String, AdminCall> then) {
    String id = identifier(raw);
    if (id == null) {
      return Refused.badRequest("the " + what + " id in the path must be 1 to " + MAX_ID_CHARS
          + " characters after percent-decoding (UTF-8, no U+0000), not '" + raw + "'");
    }
    return then.apply(id);
  }

  /** The body as a JSON object; fields the route does not know are ignored (a later release may add some). */
  private static AdminCall withObject(String contentType, byte[] body, Function<JsonNode, AdminCall> then) {
    if (!isJson(contentType)) {
      return Refused.badRequest("Content-Type must be application/json, not "
          + (contentType == null ? "missing" : "'" + contentType + "'"));
    }
    JsonNode tree;
    try {
      tree = BODY.readTree(body);
    } catch (IOException e) {
      String why = e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.toString();
      return Refused.badRequest("the body is not valid JSON: " + why);
    }
    if (tree == null || !tree.isObject()) {
      return Refused.badRequest("the body must be a JSON object" + (body.length == 0 ? " ({} at least)" : ""));
    }
    return then.apply(tree);
  }

  private static boolean isJson(String contentType) {
    return contentType != null
        && contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT).equals("application/json");
  }

  /**
   * A path segment percent-decoded as UTF-8 ({@code +} stays a plus: this is a path, not a form),
   * or null when it is malformed, not UTF-8, empty, longer than {@link #MAX_ID_CHARS} code points,
   * or holds U+0000 (PostgreSQL cannot store it).
   */
  static String identifier(String segment) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(segment.length());
    for (int i = 0; i < segment.length(); i++) {
      char c = segment.charAt(i);
      if (c == '%') {
        int high = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 1), 16) : -1;
        int low = i + 2 < segment.length() ? Character.digit(segment.charAt(i + 2), 16) : -1;
        if (high < 0 || low < 0) {
          return null;
        }
        bytes.write(high * 16 + low);
        i += 2;
      } else if (c > ' ' && c < 0x7f) {
        bytes.write(c);
      } else {
        return null; // a request target is printable ASCII; anything else must be percent-encoded
      }
    }
    String id;
    try {
      id = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
    int chars = id.codePointCount(0, id.length());
    return chars < 1 || chars > MAX_ID_CHARS || id.indexOf('\0') >= 0 ? null : id;
  }
}
