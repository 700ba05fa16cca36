package io.rallypoint.gateway.it.fuzz;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;

/**
 * Makes fuzz frames: a valid-looking frame of a random client type with random fields, then one
 * mutation of it (or of the bytes it travels in). Each {@link Mutation} says what it breaks, and
 * whether the gateway must refuse it, may accept it, or must close the connection (with which code).
 * Deterministic for a given {@link Random}.
 */
public final class FrameMutator {

  /** The gateway's limits the mutations aim at (PROTOCOL 1.6). */
  public static final int MAX_FRAME_BYTES = 65_536;
  public static final int MAX_BODY_CHARS = 4_000;
  public static final int MAX_METADATA_DEPTH = 32;

  static final List<String> CLIENT_TYPES =
      List.of("send", "read", "sync", "location", "session", "meetingPoint", "typing", "presence", "ping");

  /** What a mutation does to a frame. */
  public enum Mutation {
    VALID(false),
    UNKNOWN_FIELDS(false),
    DUPLICATE_KEYS(false),
    WRONG_TYPES(false),
    MISSING_FIELDS(false),
    HUGE_NUMBERS(false),
    DEEP_NESTING(false),
    TRUNCATED(false),
    NOT_JSON(false),
    UNKNOWN_TYPE(false),
    NUL_CHARS(false),
    LONG_ID(false),
    BINARY(false),
    FRAGMENTED(false),
    NEAR_SIZE_LIMIT(false),
    PING_FLOOD(false),
    TEXT_PING_FLOOD(false),
    // the connection must be closed after these, with the code the frame justifies
    INVALID_UTF8(true),
    INVALID_UTF8_FRAGMENTED(true),
    UNMASKED(true),
    RESERVED_BITS(true),
    BAD_OPCODE(true),
    NON_MINIMAL_LENGTH(true),
    ORPHAN_CONTINUATION(true),
    MESSAGE_INSIDE_FRAGMENTED(true),
    FRAGMENTED_CONTROL(true),
    OVERSIZE_CONTROL(true),
    OVERSIZE_FRAME(true),
    OVERSIZE_FRAGMENTS(true),
    NEGATIVE_LENGTH(true),
    CLOSE_FRAME(true);

    private final boolean fatal;

    Mutation(boolean fatal) {
      this.fatal = fatal;
    }

    public boolean fatal() {
      return fatal;
    }
  }

  /** The mutations that keep the connection open, in the proportions a fuzz connection sends them. */
  private static final Mutation[] OPEN_MIX = {
      Mutation.VALID, Mutation.VALID, Mutation.VALID, Mutation.UNKNOWN_FIELDS, Mutation.UNKNOWN_FIELDS,
      Mutation.DUPLICATE_KEYS, Mutation.WRONG_TYPES, Mutation.WRONG_TYPES, Mutation.MISSING_FIELDS,
      Mutation.HUGE_NUMBERS, Mutation.HUGE_NUMBERS, Mutation.DEEP_NESTING, Mutation.TRUNCATED, Mutation.TRUNCATED,
      Mutation.NOT_JSON, Mutation.NOT_JSON, Mutation.UNKNOWN_TYPE, Mutation.NUL_CHARS, Mutation.LONG_ID,
      Mutation.BINARY, Mutation.FRAGMENTED, Mutation.FRAGMENTED, Mutation.FRAGMENTED, Mutation.NEAR_SIZE_LIMIT,
      Mutation.PING_FLOOD, Mutation.TEXT_PING_FLOOD};

  private static final Mutation[] FATAL_MIX = java.util.Arrays.stream(Mutation.values())
      .filter(Mutation::fatal).toArray(Mutation[]::new);

  /** What a session may aim its frames at. */
  public record Target(String user, List<String> memberConversations, String strangerConversation) {}

  /**
   * One fuzz frame: the bytes to write and what the gateway owes for them.
   *
   * @param wire        the bytes, one or several WebSocket frames
   * @param frames      how many WebSocket frames {@code wire} holds
   * @param texts       the complete text messages in it (each may draw one reply, tracked by its {@code id})
   * @param messages    how many data messages (text or binary) it completes: each may draw a reply without id
   * @param pings       WebSocket pings in it: each is owed one pong
   * @param mustFail    the gateway must refuse every message in it ({@code error})
   * @param closeCodes  for a fatal mutation, the close codes it justifies; empty otherwise
   */
  public record FuzzFrame(Mutation mutation, byte[] wire, int frames, List<String> texts, int messages, int pings,
      boolean mustFail, List<Integer> closeCodes) {}

  private final Random random;
  private final Target target;
  private final String idPrefix;
  private long nextId;

  public FrameMutator(Random random, Target target, String idPrefix) {
    this.random = random;
    this.target = target;
    this.idPrefix = idPrefix;
  }

  /** A frame that keeps the connection open. */
  public FuzzFrame next() {
    return make(OPEN_MIX[random.nextInt(OPEN_MIX.length)]);
  }

  /** A valid frame, mostly admitted by the gateway when sent at the user's pace. */
  public FuzzFrame valid() {
    return make(Mutation.VALID);
  }

  /** A frame after which the gateway must close the connection. */
  public FuzzFrame fatal() {
    return make(FATAL_MIX[random.nextInt(FATAL_MIX.length)]);
  }

  FuzzFrame make(Mutation mutation) {
    return switch (mutation) {
      case VALID -> text(mutation, render(validFields(randomType())), false);
      case UNKNOWN_FIELDS -> {
        List<String[]> fields = validFields(randomType());
        for (int i = 0, n = 1 + random.nextInt(4); i < n; i++) {
          fields.add(1 + random.nextInt(fields.size()), new String[] {"x" + randomWord(), randomValue(3)});
        }
        yield text(mutation, render(fields), false);
      }
      case DUPLICATE_KEYS -> {
        List<String[]> fields = validFields(randomType());
        String[] copied = fields.get(random.nextInt(fields.size()));
        if (!copied[0].equals("id")) { // the id stays once: the reply must carry it
          fields.add(new String[] {copied[0], random.nextBoolean() ? copied[1] : randomValue(2)});
        }
        yield text(mutation, render(fields), false);
      }
      case WRONG_TYPES -> {
        String type = randomTypeWithFields();
        List<String[]> fields = validFields(type);
        String[] field = requiredField(fields);
        field[1] = wrongTypeFor(field[0]);
        yield text(mutation, render(fields), true);
      }
      case MISSING_FIELDS -> {
        List<String[]> fields = validFields(randomTypeWithFields());
        fields.remove(requiredField(fields));
        yield text(mutation, render(fields), true);
      }
      case HUGE_NUMBERS -> hugeNumbers();
      case DEEP_NESTING -> deepNesting();
      case TRUNCATED -> {
        byte[] whole = render(validFields(randomType())).getBytes(StandardCharsets.UTF_8);
        String cut = utf8Prefix(whole, 1 + random.nextInt(whole.length - 1));
        yield text(mutation, cut, true);
      }
      case NOT_JSON -> text(mutation, notJson(), true);
      case UNKNOWN_TYPE -> {
        List<String[]> fields = validFields(randomType());
        fields.get(0)[1] = quote(random.nextBoolean() ? "Send" : "x-" + randomWord());
        yield text(mutation, render(fields), true);
      }
      case NUL_CHARS -> {
        List<String[]> fields = validFields(randomTypeWithFields());
        String[] field = fields.get(fields.size() - 1);
        if (random.nextBoolean() || !field[1].startsWith("\"")) {
          fields.add(new String[] {"n\\u0000ul", "1"});
        } else {
          field[1] = "\"" + "a\\u0000" + field[1].substring(1);
        }
        yield text(mutation, render(fields), true);
      }
      case LONG_ID -> {
        List<String[]> fields = validFields(randomType());
        fields.removeIf(f -> f[0].equals("id"));
        fields.add(1, new String[] {"id", quote(id() + "-long-" + "i".repeat(124 + random.nextInt(200)))});
        yield text(mutation, render(fields), true);
      }
      case BINARY -> {
        byte[] payload = random.nextBoolean() ? render(validFields(randomType())).getBytes(StandardCharsets.UTF_8)
            : randomBytes(random.nextInt(300));
        yield new FuzzFrame(mutation, WireFrames.masked(true, WireFrames.BINARY, payload, random), 1, List.of(), 1, 0,
            true, List.of());
      }
      case FRAGMENTED -> fragmented(render(validFields(randomType())), mutation, false);
      case NEAR_SIZE_LIMIT -> nearSizeLimit();
      case PING_FLOOD -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n = 5 + random.nextInt(30);
        for (int i = 0; i < n; i++) {
          out.writeBytes(WireFrames.masked(true, WireFrames.PING, randomBytes(random.nextInt(126)), random));
        }
        yield new FuzzFrame(mutation, out.toByteArray(), n, List.of(), 0, n, false, List.of());
      }
      case TEXT_PING_FLOOD -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        List<String> texts = new ArrayList<>();
        int n = 10 + random.nextInt(40);
        for (int i = 0; i < n; i++) {
          String ping = random.nextInt(4) == 0 ? "{\"type\":\"ping\"}" : "{\"type\":\"ping\",\"id\":" + quote(id()) + "}";
          texts.add(ping);
          out.writeBytes(WireFrames.masked(true, WireFrames.TEXT, ping.getBytes(StandardCharsets.UTF_8), random));
        }
        yield new FuzzFrame(mutation, out.toByteArray(), n, texts, n, 0, false, List.of());
      }
      case INVALID_UTF8 -> {
        byte[] text = render(validFields(randomType())).getBytes(StandardCharsets.UTF_8);
        yield fatal(mutation, WireFrames.masked(true, WireFrames.TEXT, withInvalidUtf8(text), random), 1, 1007);
      }
      case INVALID_UTF8_FRAGMENTED -> {
        byte[] text = withInvalidUtf8(render(validFields(randomType())).getBytes(StandardCharsets.UTF_8));
        int cut = random.nextInt(text.length);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFrames.masked(false, WireFrames.TEXT, java.util.Arrays.copyOf(text, cut), random));
        out.writeBytes(WireFrames.masked(true, WireFrames.PING, randomBytes(4), random));
        out.writeBytes(WireFrames.masked(true, WireFrames.CONTINUATION,
            java.util.Arrays.copyOfRange(text, cut, text.length), random));
        yield new FuzzFrame(mutation, out.toByteArray(), 3, List.of(), 0, 1, true, List.of(1007)); // the ping may be answered
      }
      case UNMASKED -> fatal(mutation, WireFrames.frame(true, 0, WireFrames.TEXT, ping(), null, WireFrames.Length.MINIMAL),
          1, 1002);
      case RESERVED_BITS -> fatal(mutation,
          WireFrames.frame(true, 1 + random.nextInt(7), WireFrames.TEXT, ping(), WireFrames.maskKey(random),
              WireFrames.Length.MINIMAL), 1, 1002);
      case BAD_OPCODE -> {
        int[] reserved = {3, 4, 5, 6, 7, 0xB, 0xC, 0xD, 0xE, 0xF};
        yield fatal(mutation, WireFrames.masked(true, reserved[random.nextInt(reserved.length)], ping(), random), 1, 1002);
      }
      case NON_MINIMAL_LENGTH -> fatal(mutation, WireFrames.frame(true, 0, WireFrames.TEXT, ping(),
          WireFrames.maskKey(random), random.nextBoolean() ? WireFrames.Length.SIXTEEN_BITS : WireFrames.Length.SIXTY_FOUR_BITS),
          1, 1002);
      case ORPHAN_CONTINUATION -> fatal(mutation,
          WireFrames.masked(random.nextBoolean(), WireFrames.CONTINUATION, ping(), random), 1, 1002);
      case MESSAGE_INSIDE_FRAGMENTED -> {
        byte[] text = ping();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFrames.masked(false, WireFrames.TEXT, java.util.Arrays.copyOf(text, 5), random));
        out.writeBytes(WireFrames.masked(true, random.nextBoolean() ? WireFrames.TEXT : WireFrames.BINARY, text, random));
        yield fatal(mutation, out.toByteArray(), 2, 1002);
      }
      case FRAGMENTED_CONTROL -> fatal(mutation, WireFrames.masked(false, WireFrames.PING, randomBytes(5), random), 1, 1002);
      case OVERSIZE_CONTROL -> fatal(mutation,
          WireFrames.masked(true, WireFrames.PING, randomBytes(126 + random.nextInt(200)), random), 1, 1002);
      case OVERSIZE_FRAME -> {
        // the header announces more than the limit; only the first bytes follow (the gateway reads no further)
        long announced = MAX_FRAME_BYTES + 1L + (random.nextBoolean() ? random.nextInt(1_000) : random.nextInt(1 << 30));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(WireFrames.header64(WireFrames.TEXT, announced, WireFrames.maskKey(random)));
        out.writeBytes(randomBytes(random.nextInt(64)));
        yield fatal(mutation, out.toByteArray(), 1, 1009);
      }
      case OVERSIZE_FRAGMENTS -> {
        // each fragment is under the limit, together they are over it
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int parts = 2 + random.nextInt(3);
        int each = MAX_FRAME_BYTES / parts + 1 + random.nextInt(1_000);
        byte[] filler = "a".repeat(each).getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < parts; i++) {
          out.writeBytes(WireFrames.masked(i == parts - 1, i == 0 ? WireFrames.TEXT : WireFrames.CONTINUATION, filler, random));
        }
        yield fatal(mutation, out.toByteArray(), parts, 1009);
      }
      case NEGATIVE_LENGTH -> fatal(mutation,
          WireFrames.header64(WireFrames.TEXT, Long.MIN_VALUE | random.nextInt(1_000), WireFrames.maskKey(random)), 1, 1002);
      case CLOSE_FRAME -> closeFrame();
    };
  }

  private FuzzFrame closeFrame() {
    int[] echoed = {1000, 1001, 1003, 1008, 1011, 3000, 4000, 4001, 4999};
    int[] invalid = {999, 1004, 1005, 1006, 1015, 2000, 2999, 5000};
    byte[] payload;
    int expected;
    switch (random.nextInt(5)) {
      case 0 -> {
        payload = new byte[0];
        expected = 1000;
      }
      case 1 -> {
        expected = invalid[random.nextInt(invalid.length)];
        payload = WireFrames.closePayload(expected, "why".getBytes(StandardCharsets.UTF_8));
        expected = 1002;
      }
      case 2 -> {
        payload = WireFrames.closePayload(echoed[random.nextInt(echoed.length)], new byte[] {'x', (byte) 0xFF});
        expected = 1007;
      }
      default -> {
        expected = echoed[random.nextInt(echoed.length)];
        payload = WireFrames.closePayload(expected, randomWord().getBytes(StandardCharsets.UTF_8));
      }
    }
    return fatal(Mutation.CLOSE_FRAME, WireFrames.masked(true, WireFrames.CLOSE, payload, random), 1, expected);
  }

  private FuzzFrame fatal(Mutation mutation, byte[] wire, int frames, int closeCode) {
    return new FuzzFrame(mutation, wire, frames, List.of(), 0, 0, true, List.of(closeCode));
  }

  private FuzzFrame text(Mutation mutation, String text, boolean mustFail) {
    return new FuzzFrame(mutation, WireFrames.masked(true, WireFrames.TEXT, text.getBytes(StandardCharsets.UTF_8), random),
        1, List.of(text), 1, 0, mustFail, List.of());
  }

  /** A text message in 2 to 6 fragments (some empty), with pings and unasked pongs between them. */
  private FuzzFrame fragmented(String text, Mutation mutation, boolean mustFail) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int parts = 2 + random.nextInt(5);
    int[] cuts = new int[parts + 1];
    cuts[parts] = bytes.length;
    for (int i = 1; i < parts; i++) {
      cuts[i] = random.nextInt(bytes.length + 1); // anywhere, inside a character too
    }
    java.util.Arrays.sort(cuts, 1, parts);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int frames = 0;
    int pings = 0;
    for (int i = 0; i < parts; i++) {
      out.writeBytes(WireFrames.masked(i == parts - 1, i == 0 ? WireFrames.TEXT : WireFrames.CONTINUATION,
          java.util.Arrays.copyOfRange(bytes, cuts[i], cuts[i + 1]), random));
      frames++;
      if (i < parts - 1 && random.nextInt(3) == 0) {
        boolean ping = random.nextBoolean();
        out.writeBytes(WireFrames.masked(true, ping ? WireFrames.PING : WireFrames.PONG, randomBytes(random.nextInt(20)), random));
        frames++;
        pings += ping ? 1 : 0;
      }
    }
    return new FuzzFrame(mutation, out.toByteArray(), frames, List.of(text), 1, pings, mustFail, List.of());
  }

  private FuzzFrame hugeNumbers() {
    String[] huge = {"1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "1" + "0".repeat(300),
        "1.0e-400", "123456789012345678901234567890.5", "9223372036854775808", "-0", "4.9e-324"};
    String type = new String[] {"read", "sync", "location", "send"}[random.nextInt(4)];
    List<String[]> fields = validFields(type);
    String value = huge[random.nextInt(huge.length)];
    boolean mustFail = false;
    switch (type) {
      case "read" -> {
        // none of these is a seq ever assigned: too large, fractional or negative (-0 and 1.0e-400 are 0, a valid seq)
        String[] neverASeq = {"1e400", "-1e400", "99999999999999999999", "-99999999999999999999", "1" + "0".repeat(300),
            "123456789012345678901234567890.5", "9223372036854775808", "4.9e-324"};
        set(fields, "seq", neverASeq[random.nextInt(neverASeq.length)]);
        mustFail = true;
      }
      case "sync" -> {
        set(fields, random.nextBoolean() ? "afterSeq" : "limit", value);
      }
      case "location" -> set(fields, random.nextBoolean() ? "lat" : "lng", value);
      default -> fields.add(new String[] {"metadata", "{\"kind\":\"n\",\"v\":" + value + "}"});
    }
    return text(Mutation.HUGE_NUMBERS, render(fields), mustFail);
  }

  private FuzzFrame deepNesting() {
    if (random.nextInt(4) == 0) { // the whole frame nested past what any parser reads
      int depth = 1_000 + random.nextInt(3_000);
      return text(Mutation.DEEP_NESTING, "{\"type\":\"ping\",\"x\":" + "[".repeat(depth) + "]".repeat(depth) + "}", true);
    }
    List<String[]> fields = validFields("send");
    int depth = MAX_METADATA_DEPTH + 1 + random.nextInt(200);
    StringBuilder metadata = new StringBuilder();
    for (int i = 0; i < depth - 1; i++) {
      metadata.append(i % 2 == 0 ? "{\"a\":" : "[");
    }
    metadata.append("{}");
    for (int i = depth - 2; i >= 0; i--) {
      metadata.append(i % 2 == 0 ? "}" : "]");
    }
    set(fields, "metadata", metadata.toString());
    return text(Mutation.DEEP_NESTING, render(fields), true);
  }

  /** A frame near the size limit (never over it): a body past the body limit, or padding in an unknown type. */
  private FuzzFrame nearSizeLimit() {
    int size = MAX_FRAME_BYTES - random.nextInt(random.nextBoolean() ? 64 : 8_000);
    boolean send = random.nextBoolean();
    List<String[]> fields = validFields(send ? "send" : "pad");
    set(fields, send ? "body" : "pad", "\"@PAD@\"");
    String skeleton = render(fields);
    int padLength = size - (skeleton.getBytes(StandardCharsets.UTF_8).length - "@PAD@".length());
    String text = skeleton.replace("@PAD@", "p".repeat(Math.max(MAX_BODY_CHARS + 1, padLength)));
    return random.nextBoolean() ? text(Mutation.NEAR_SIZE_LIMIT, text, true)
        : fragmented(text, Mutation.NEAR_SIZE_LIMIT, true);
  }

  private String notJson() {
    return switch (random.nextInt(9)) {
      case 0 -> "";
      case 1 -> "[" + ping0() + "]";
      case 2 -> ping0() + ping0();
      case 3 -> ping0() + " junk";
      case 4 -> "\"just a string\"";
      case 5 -> String.valueOf(random.nextLong());
      case 6 -> "null";
      case 7 -> "{'type':'ping'}";
      default -> new String(randomBytes(1 + random.nextInt(100)), StandardCharsets.ISO_8859_1);
    };
  }

  /** The fields of a valid frame of {@code type}, in order, as raw JSON values ({@code type} first, then {@code id}). */
  List<String[]> validFields(String type) {
    List<String[]> fields = new ArrayList<>();
    fields.add(new String[] {"type", quote(type)});
    if (random.nextInt(8) != 0) {
      fields.add(new String[] {"id", quote(id())});
    }
    switch (type) {
      case "send" -> {
        fields.add(f("conversation", quote(conversation())));
        fields.add(f("clientMsgId", quote(uuid())));
        boolean withMetadata = random.nextInt(3) == 0;
        fields.add(f("body", quote(withMetadata && random.nextBoolean() ? "" : randomText(random.nextInt(80)))));
        if (withMetadata) {
          fields.add(f("metadata", metadata()));
        }
      }
      case "read" -> {
        fields.add(f("conversation", quote(conversation())));
        fields.add(f("seq", String.valueOf(random.nextInt(3) == 0 ? random.nextInt(100_000) : random.nextInt(5))));
      }
      case "sync" -> {
        fields.add(f("conversation", quote(conversation())));
        switch (random.nextInt(3)) {
          case 0 -> fields.add(f("afterSeq", String.valueOf(random.nextInt(200))));
          case 1 -> fields.add(f("lastSyncedAt", quote(instant())));
          default -> { }
        }
        if (random.nextBoolean()) {
          fields.add(f("limit", String.valueOf(1 + random.nextInt(random.nextBoolean() ? 20 : 500))));
        }
      }
      case "location" -> {
        fields.add(f("conversation", quote(conversation())));
        fields.add(f("session", quote(uuid())));
        fields.add(f("lat", String.valueOf(random.nextDouble() * 180 - 90)));
        fields.add(f("lng", String.valueOf(random.nextDouble() * 360 - 180)));
        fields.add(f("at", quote(instant())));
      }
      case "session" -> {
        fields.add(f("session", quote(uuid())));
        fields.add(f("state", quote(random.nextBoolean() ? "started" : "ended")));
        fields.add(f("at", quote(instant())));
      }
      case "typing" -> {
        fields.add(f("conversation", quote(conversation())));
        fields.add(f("state", quote(random.nextBoolean() ? "started" : "stopped")));
      }
      case "meetingPoint", "presence" -> fields.add(f("conversation", quote(conversation())));
      case "pad" -> fields.add(f("pad", quote("")));
      default -> { } // ping
    }
    return fields;
  }

  private static String[] f(String name, String value) {
    return new String[] {name, value};
  }

  private String[] requiredField(List<String[]> fields) {
    List<String[]> required = fields.stream().filter(f -> !f[0].equals("type") && !f[0].equals("id")
        && !f[0].equals("metadata") && !f[0].equals("limit") && !f[0].equals("afterSeq")
        && !f[0].equals("lastSyncedAt")).toList();
    return required.get(random.nextInt(required.size()));
  }

  private String wrongTypeFor(String field) {
    return switch (field) {
      case "seq", "lat", "lng" -> random.nextBoolean() ? "\"12\"" : random.nextBoolean() ? "true" : "[1]";
      case "body", "conversation", "clientMsgId", "session", "state", "at" ->
          new String[] {"42", "true", "{}", "[\"a\"]", "null", "-0.5"}[random.nextInt(6)];
      default -> "null";
    };
  }

  private String randomTypeWithFields() {
    String type;
    do {
      type = randomType();
    } while (type.equals("ping"));
    return type;
  }

  private String randomType() {
    return CLIENT_TYPES.get(random.nextInt(CLIENT_TYPES.size()));
  }

  private String conversation() {
    int pick = random.nextInt(20);
    if (pick < 14 && !target.memberConversations().isEmpty()) {
      return target.memberConversations().get(random.nextInt(target.memberConversations().size()));
    }
    if (pick < 17) {
      return target.strangerConversation();
    }
    return pick == 19 ? "c".repeat(129) : "fz-" + randomText(1 + random.nextInt(40));
  }

  private String metadata() {
    return switch (random.nextInt(5)) {
      case 0 -> "{\"kind\":\"photo\",\"url\":" + quote("https://example.test/" + randomWord()) + "}";
      case 1 -> "{\"kind\":\"location\",\"lat\":51.5,\"lng\":-0.12}";
      case 2 -> "{\"kind\":\"meetup\",\"at\":" + quote(instant()) + "}";
      case 3 -> {
        int arrays = random.nextInt(MAX_METADATA_DEPTH); // the metadata object is the first level of 32
        yield "{\"nested\":" + "[".repeat(arrays) + "1" + "]".repeat(arrays) + "}";
      }
      default -> "{\"k\":" + randomValue(3) + "}";
    };
  }

  private String randomValue(int depth) {
    int pick = random.nextInt(depth <= 0 ? 5 : 7);
    return switch (pick) {
      case 0 -> String.valueOf(random.nextInt());
      case 1 -> String.valueOf(random.nextDouble());
      case 2 -> quote(randomText(random.nextInt(20)));
      case 3 -> random.nextBoolean() ? "true" : "false";
      case 4 -> "null";
      case 5 -> "[" + randomValue(depth - 1) + "," + randomValue(depth - 1) + "]";
      default -> "{" + quote(randomWord()) + ":" + randomValue(depth - 1) + "}";
    };
  }

  /** The frame's JSON: fields in order, with random whitespace. */
  private String render(List<String[]> fields) {
    StringBuilder out = new StringBuilder("{");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      if (random.nextInt(10) == 0) {
        out.append(" \n\t".charAt(random.nextInt(3)));
      }
      out.append('"').append(fields.get(i)[0]).append("\":").append(fields.get(i)[1]);
    }
    return out.append('}').toString();
  }

  private static void set(List<String[]> fields, String name, String value) {
    for (String[] field : fields) {
      if (field[0].equals(name)) {
        field[1] = value;
        return;
      }
    }
    fields.add(new String[] {name, value});
  }

  private static final String[] ALPHABET = {"a", "b", "z", "Q", "0", "7", " ", "-", "é", "ß", "日本", "😀", "\\n",
      "\\\"", "\\\\", "\\u00e9", "\\ud83d", "\\udc00", "\\t", "/", "<", "&"};

  /** JSON string content (already escaped): letters, digits, accents, emoji, escapes, lone surrogates. */
  private String randomText(int length) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < length; i++) {
      text.append(ALPHABET[random.nextInt(ALPHABET.length)]);
    }
    return text.toString();
  }

  private String randomWord() {
    return Long.toString(random.nextLong() >>> 1, 36);
  }

  private byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    random.nextBytes(bytes);
    return bytes;
  }

  private String id() {
    return idPrefix + nextId++;
  }

  private String uuid() {
    return new UUID(random.nextLong(), random.nextLong()).toString();
  }

  private String instant() {
    return Instant.now().minusSeconds(random.nextInt(86_400)).truncatedTo(ChronoUnit.MILLIS).toString();
  }

  private String ping0() {
    return "{\"type\":\"ping\",\"id\":" + quote(id()) + "}";
  }

  private byte[] ping() {
    return ping0().getBytes(StandardCharsets.UTF_8);
  }

  private static String quote(String escapedContent) {
    return "\"" + escapedContent + "\"";
  }

  /** The longest prefix of at most {@code n} bytes that ends on a character boundary, as text. */
  private static String utf8Prefix(byte[] bytes, int n) {
    int end = n;
    while (end > 0 && end < bytes.length && (bytes[end] & 0xC0) == 0x80) {
      end--;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }

  /** The text with a byte sequence UTF-8 never has, in the middle or (cut character) at the end. */
  private byte[] withInvalidUtf8(byte[] text) {
    byte[][] bad = {{(byte) 0xFF}, {(byte) 0xC0, (byte) 0x80}, {(byte) 0x80}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF5, (byte) 0x80, (byte) 0x80, (byte) 0x80}, {(byte) 0xE2, (byte) 0x28, (byte) 0xA1}};
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (random.nextInt(4) == 0) { // a character cut at the very end
      out.writeBytes(text);
      out.writeBytes(new byte[] {(byte) 0xF0, (byte) 0x9F, (byte) 0x98});
      return out.toByteArray();
    }
    int at = random.nextInt(text.length);
    out.write(text, 0, at);
    out.writeBytes(bad[random.nextInt(bad.length)]);
    out.write(text, at, text.length - at);
    return out.toByteArray();
  }
}
