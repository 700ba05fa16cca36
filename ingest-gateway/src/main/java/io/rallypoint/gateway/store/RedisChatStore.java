package io.rallypoint.gateway.store;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.rallypoint.gateway.wire.ChatMessageWire;
import io.rallypoint.gateway.wire.ChatMessageWire.Template;
import io.rallypoint.gateway.wire.NodeEnvelope;
import io.rallypoint.schemas.frame.ChatMessage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The gateway's hot state in Redis, each operation one round trip (a Lua script): accepting a
 * message (idempotency, seq, recent list, publish), marking it acked (many per round trip under
 * load), read receipts, and the recent messages that serve most syncs.
 */
public final class RedisChatStore implements ChatStore {

  private static final LuaScript ACCEPT = LuaScript.load("accept.lua");
  private static final LuaScript MARK_ACKED = LuaScript.load("mark-acked.lua");
  private static final LuaScript RECEIPT = LuaScript.load("receipt.lua");
  private static final LuaScript RECENT = LuaScript.load("recent.lua");
  private static final LuaScript ACKED = LuaScript.load("acked.lua");

  private final RedisClusterAsyncCommands<String, String> redis;
  /** On a Redis Cluster: publishes are sharded and a script call never holds keys of two slots. */
  private final boolean cluster;
  private final LuaScript accept;
  private final LuaScript receipt;
  private final Keys keys;
  private final String nodeId;
  private final String idempotencyTtlSeconds;
  private final String recentSize;
  /**
   * Marks go out in batches: Kafka confirms a whole producer batch at once, and one script call per
   * message was a Redis round trip (two system calls and a thread wake-up on each side) per message.
   * At most 64 per call: Redis runs a script alone, so a long one would hold up every accept.
   */
  private final GroupCommit<AckMark> ackMarks = new GroupCommit<>(this::markAllAcked, 64);

  /** A store on a standalone Redis. */
  public RedisChatStore(RedisClusterAsyncCommands<String, String> redis, Keys keys, String nodeId,
      Duration idempotencyTtl, int recentSize) {
    this(redis, keys, nodeId, idempotencyTtl, recentSize, false);
  }

  /** A store on a standalone Redis, or on a Redis Cluster when {@code cluster}. */
  public RedisChatStore(RedisClusterAsyncCommands<String, String> redis, Keys keys, String nodeId,
      Duration idempotencyTtl, int recentSize, boolean cluster) {
    this.redis = redis;
    this.cluster = cluster;
    this.accept = cluster ? ACCEPT.sharded() : ACCEPT;
    this.receipt = cluster ? RECEIPT.sharded() : RECEIPT;
    this.keys = keys;
    this.nodeId = nodeId;
    this.idempotencyTtlSeconds = Long.toString(Math.max(1, idempotencyTtl.toSeconds()));
    this.recentSize = Integer.toString(recentSize);
  }

  /**
   * Accepts a message whose seq is not assigned yet, or finds the one already accepted under its
   * (sender, clientMsgId). A new message is also in the recent list and published to other nodes.
   * Empty, with nothing written, when the conversation has no seq counter in Redis (a new
   * conversation, or Redis lost it): the caller reads the seed and calls {@link #acceptSeeded}.
   */
  @Override
  public CompletableFuture<Optional<Accepted>> accept(ChatMessage unsequenced) {
    return run(unsequenced, null).thenApply(Optional::ofNullable);
  }

  @Override
  public CompletableFuture<Accepted> acceptSeeded(ChatMessage unsequenced, Seed seed) {
    return run(unsequenced, seed).thenApply(accepted -> {
      if (accepted == null) {
        throw new IllegalStateException(accept + " asked for a seed although it was given " + seed);
      }
      return accepted;
    });
  }

  /** Runs the accept script; {@code null} when it asks for a seed. */
  private CompletableFuture<Accepted> run(ChatMessage unsequenced, Seed seed) {
    Template template = ChatMessageWire.template(unsequenced);
    String[] k = {
        keys.idempotency(unsequenced.conversation(), unsequenced.sender(), unsequenced.clientMsgId()),
        keys.seq(unsequenced.conversation()),
        keys.recent(unsequenced.conversation()),
        keys.lastSentAt(unsequenced.conversation()),
        keys.seqOwner(unsequenced.conversation()),
        keys.acked(unsequenced.conversation())};
    List<String> args = new ArrayList<>(List.of(template.head(), template.middle(),
        keys.channel(unsequenced.conversation()), template.publishPrefix(nodeId), idempotencyTtlSeconds, recentSize,
        seed == null ? "" : Long.toString(seed.seq()), template.sentAt(), Long.toString(template.sentAtMillis()),
        template.end()));
    if (seed != null) {
      args.add(Long.toString(seed.lastSentAtMillis()));
      args.add(idempotencyTtlSeconds);
      seed.ackedNotStored().forEach(seq -> args.add(Long.toString(seq)));
    }
    return accept.<List<Object>>run(redis, ScriptOutputType.MULTI, k, args.toArray(String[]::new))
        .thenApply(reply -> {
          long outcome = (Long) reply.get(0);
          if (outcome < 0) {
            return null;
          }
          boolean fresh = outcome == 1L;
          String json = (String) reply.get(1);
          return new Accepted(fresh, "acked".equals(reply.get(2)), json, fresh && ((Long) reply.get(3)) == 1L,
              fresh ? ChatMessageWire.sequenced(unsequenced, template, json) : null);
        });
  }

  /**
   * Records that Kafka holds the message: a resend is answered without producing again, and sync
   * waits for its seq when it is missing from both Redis and PostgreSQL (see SyncPlanner).
   */
  @Override
  public CompletableFuture<Void> markAcked(ChatMessage message) {
    // encoded here, on the caller's thread: the batch is sent from the Redis connection's thread
    return ackMarks.add(new AckMark(keys.idempotency(message.conversation(), message.sender(), message.clientMsgId()),
        keys.acked(message.conversation()), Long.toString(message.seq()), ChatMessageWire.ackedEntry(message)));
  }

  /** One message's part of a mark-acked call. */
  private record AckMark(String idempotencyKey, String ackedKey, String seq, String ackedEntry) {}

  /**
   * One script call marks a whole batch: every mark that queued up while the previous call ran. On
   * a cluster, one call per slot among them (a script may only touch keys of one slot); they all go
   * out at once, and the batch is written when every call is.
   */
  private CompletableFuture<?> markAllAcked(List<AckMark> marks) {
    if (!cluster) {
      return markAckedInOneSlot(marks);
    }
    Map<Integer, List<AckMark>> bySlot = new LinkedHashMap<>();
    for (AckMark mark : marks) {
      bySlot.computeIfAbsent(SlotHash.getSlot(mark.ackedKey()), slot -> new ArrayList<>()).add(mark);
    }
    return CompletableFuture.allOf(bySlot.values().stream().map(this::markAckedInOneSlot)
        .toArray(CompletableFuture[]::new));
  }

  private CompletableFuture<?> markAckedInOneSlot(List<AckMark> marks) {
    String[] k = new String[marks.size() * 2];
    String[] args = new String[marks.size() * 2 + 1];
    args[0] = idempotencyTtlSeconds;
    for (int i = 0; i < marks.size(); i++) {
      AckMark mark = marks.get(i);
      k[2 * i] = mark.idempotencyKey();
      k[2 * i + 1] = mark.ackedKey();
      args[2 * i + 1] = mark.seq();
      args[2 * i + 2] = mark.ackedEntry();
    }
    return MARK_ACKED.<Long>run(redis, ScriptOutputType.INTEGER, k, args);
  }

  /** Which of these seqs of the conversation Kafka acked. */
  @Override
  public CompletableFuture<Set<Long>> ackedAmong(String conversation, List<Long> seqs) {
    if (seqs.isEmpty()) {
      return CompletableFuture.completedFuture(Set.of());
    }
    String[] args = seqs.stream().map(String::valueOf).toArray(String[]::new);
    return ACKED.<List<Object>>run(redis, ScriptOutputType.MULTI, new String[] {keys.acked(conversation)}, args)
        .thenApply(bits -> {
          Set<Long> acked = new HashSet<>();
          for (int i = 0; i < seqs.size(); i++) {
            if (((Long) bits.get(i)) == 1L) {
              acked.add(seqs.get(i));
            }
          }
          return acked;
        });
  }

  /**
   * Moves the user's read position forward to {@code seq} (never back); when it moved, publishes
   * {@code receiptFrame} to the other nodes.
   */
  @Override
  public CompletableFuture<ReceiptOutcome> recordReceipt(String conversation, String user, long seq, String receiptFrame) {
    return receipt.<List<Object>>run(redis, ScriptOutputType.MULTI,
            new String[] {keys.receipts(conversation), keys.seq(conversation), keys.seqOwner(conversation)},
            user, Long.toString(seq), keys.channel(conversation), NodeEnvelope.wrap(nodeId, receiptFrame))
        .thenApply(reply -> new ReceiptOutcome(ReceiptOutcome.Move.of((Long) reply.get(0)), (Long) reply.get(1)));
  }

  /** The conversation's last assigned seq and its cached messages, oldest first. */
  @Override
  public CompletableFuture<Recent> recent(String conversation) {
    return RECENT.<List<Object>>run(redis, ScriptOutputType.MULTI,
            new String[] {keys.seq(conversation), keys.recent(conversation), keys.seqOwner(conversation)})
        .thenApply(reply -> {
          long head = Long.parseLong((String) reply.get(0));
          @SuppressWarnings("unchecked")
          List<String> newestFirst = (List<String>) reply.get(1);
          List<ChatMessage> messages = new ArrayList<>(newestFirst.size());
          for (String json : newestFirst) {
            messages.add(ChatMessageWire.parse(json));
          }
          messages.sort(Comparator.comparingLong(ChatMessage::seq));
          return new Recent(head, messages);
        });
  }
}
