/**
 * @rallypoint/client: the Rallypoint client for browsers and Node (PROTOCOL.md section 1). One ES
 * module without dependencies, written in TypeScript (clients/typescript/src); the gateway serves
 * its build as /static/rallypoint-client.js, which the demo page imports. Every rule below is what
 * a client must do to never lose or double a message; mobile teams porting it follow the same.
 *
 *   import { RallypointClient } from '@rallypoint/client';
 *   const client = new RallypointClient({ url: 'wss://chat.example/ws', token, conversations: ['ride-42'] });
 *   client.addEventListener('change', () => render(client.timeline('ride-42')));
 *   client.start();
 *   client.send('ride-42', 'on my way');            // kept in the outbox until acked, even across reloads
 *
 * Where it runs: the `WebSocket` option, else the global `WebSocket` (browsers, Node 22, Node 20.10+
 * with --experimental-websocket; in Node the `ws` package's `WebSocket` works too). The `storage`
 * option (getItem, setItem, removeItem), else `localStorage` where it works, else memory (the
 * outbox then lives as long as the client).
 *
 * The rules it follows
 * - Connection: `new WebSocket(url + '?token=' + token)` (browsers cannot set headers). A bad token
 *   (also one without `exp`: every token must expire) is refused at the upgrade with 401, which a
 *   browser only sees as a closed socket. When the token expires the gateway closes the connection
 *   with 4001: the client stops reconnecting (state `expired`) until `setToken(fresh)`.
 * - Outbox: `send` puts the message in an outbox persisted in the storage (key
 *   `rallypoint.outbox.<user>`) BEFORE anything goes on the wire, with a client-made UUID as
 *   `clientMsgId`. The timeline shows it as `pending` until its `ack`. While connected, an un-acked
 *   message is sent again after `ackTimeoutMs`, and every message still in the outbox is sent again
 *   on every (re)connect, always with the SAME `clientMsgId`: the gateway answers a resend with the
 *   same ack (same messageId and seq) and never stores or broadcasts it twice. `unavailable` and
 *   `rate_limited` mean "not accepted, retry later"; any other error fails the message for good
 *   (status `failed`, kept until `discard`).
 * - Retry pacing: a `rate_limited` message is sent again once its `retryAfterMs` has passed, not
 *   before: that is its turn, for which the gateway keeps a token, so an outbox of hundreds drains
 *   at the gateway's rate and each message is refused at most once. An `unavailable` one waits
 *   `retryAfterMs` doubled on every further `unavailable` (up to `maxRetryBackoffMs`), plus random
 *   jitter of up to as much again. Order is kept: no message is sent while an older one waits for
 *   its retry. Neither error ever closes the connection, so neither makes the client reconnect.
 *   A refused `ping` proves the connection alive as a `pong` does. `request()` retries a frame
 *   refused `rate_limited` or `unavailable` the same way, up to `requestRetries` times.
 * - Reconnect: after a close, the next attempt waits `min(maxBackoffMs, initialBackoffMs * 2^n)`
 *   scaled by a random factor in [0.5, 1) (jitter, so a gateway restart is not hit by every client
 *   at once); n goes back to 0 once a sync completed. After a close with 1008 (the gateway judged
 *   the pace abusive) it waits at least `abuseBackoffMs` (30 s). The browser's `online` event
 *   retries at once. `pagehide` closes the connection (a page kept in the back/forward cache would
 *   otherwise keep it open, and the user would stay online after leaving); `pageshow` of a page
 *   restored from that cache connects again.
 *   A `ping` every `pingEveryMs` keeps the connection from the gateway's idle timeout, and a missing
 *   `pong` (a half-dead TCP connection) closes it.
 * - Sync: on every (re)connect each conversation is synced: the first time with no cursor (the
 *   latest page), after that with `afterSeq` = the sync cursor, paging while `hasMore` (an empty page
 *   with `hasMore` means "an acked message is on its way to the database": ask again shortly). The
 *   cursor is the `lastSeq` of the last page, moved forward by live messages only while their seqs
 *   are contiguous, so a message missed while disconnected is always fetched.
 * - De-duplication: messages are kept by `seq` and `messageId`; a live `message`, an `ack` and a
 *   sync page may all carry the same message, which is shown once. A synced message of ours whose
 *   `clientMsgId` is still in the outbox counts as acked (the ack was lost with the connection).
 * - Requests: every frame carries an `id`; replies (`ok`, `sync`, `meetingPoint`, `pong`, `error`)
 *   are matched on it. `request(frame)` returns a promise of the reply (rejected with an `Error`
 *   whose `code` is the gateway's error code, `offline`, or `timeout`).
 * - Reads: `read(conversation, seq)` sends `read` only when seq is higher than the last one sent.
 * - Typing: call `typing(conversation)` on every keystroke. The first sends `typing` `started`, which
 *   is renewed every `typingRenewMs` (3 s; the gateway lets a `started` lapse after 6 s) while
 *   keystrokes keep coming; `stopped` goes out after `typingIdleMs` without one, on `stopTyping`,
 *   and when the user sends a message. A typing frame refused `rate_limited` is not followed by
 *   another before its `retryAfterMs` has passed; then the state the user is in by then is sent.
 *   Others' typing shows from `started` until `stopped`, or until 6 s pass without a renewal (a
 *   frame may be lost): `typists(conversation)`.
 * - Presence: on every (re)connect, and every `presenceRefreshMs` while open, each conversation
 *   asks `presence` (who is online, who is recording); pushed `online`/`offline` frames update it in
 *   between, and a member whose position arrives is recording (only a recording session shares).
 *   The reply is what the gateway saw while answering, so a push that arrives between the request
 *   and its reply wins over the reply for that member.
 *   `online(conversation)`, `recording(conversation)`, `refreshPresence(conversation)`.
 * - Live map: each `location` frame is a member's position; the latest `at` per member wins, an
 *   older one arriving late is ignored: `locations(conversation)`.
 *
 * Events (EventTarget; `event.detail` carries the data)
 *   state        {state: 'connecting' | 'open' | 'offline' | 'expired' | 'stopped'}
 *   message      {conversation, message}             a message new to this client (live or synced)
 *   ack          {conversation, message}             one of ours is accepted (status becomes `sent`)
 *   receipt      {conversation, user, seq}           another member has read up to seq
 *   meetingPoint {conversation, meetingPoint}        a new meeting point (the frame, without `type`)
 *   synced       {conversation}                      a (re)connect's sync of the conversation finished
 *   typing       {conversation, user, state}         another member started or stopped typing (also a lapse)
 *   presence     {conversation}                      who is online or recording changed
 *   location     {conversation, user, lat, lng, at}  a member's newer position
 *   error        {code, message, frame?}             an error frame or a failed outbox message; code
 *                                                    `token_expired` when the gateway closed with 4001
 *   change       {}                                  anything shown in a timeline changed (re-render)
 *
 * Limits: one tab per user is assumed (two tabs share the outbox and both resend it: harmless, the
 * gateway de-duplicates); at most `maxMessages` messages per conversation are kept in memory; the
 * gateway has no frame to fetch older receipts, so read ticks cover receipts seen since the page
 * loaded.
 */

import type {
  ChatMessage,
  ClientFrame,
  MeetingPoint,
  ServerAck,
  ServerError,
  ServerFrame,
  ServerMeetingPoint,
  ServerOk,
  ServerPong,
  ServerPresence,
  ServerSync,
} from './protocol.js';

export type * from './protocol.js';

/** The client's timings and limits; every one may be given as an option. */
export interface Settings {
  initialBackoffMs: number;
  maxBackoffMs: number;
  pageSize: number;
  ackTimeoutMs: number;
  requestTimeoutMs: number;
  pingEveryMs: number;
  maxMessages: number;
  maxRetryBackoffMs: number;
  abuseBackoffMs: number;
  requestRetries: number;
  typingRenewMs: number;
  typingIdleMs: number;
  typingLapseMs: number;
  presenceRefreshMs: number;
  storagePrefix: string;
}

export const DEFAULTS: Readonly<Settings> = Object.freeze({
  initialBackoffMs: 500,
  maxBackoffMs: 15_000,
  pageSize: 100,
  ackTimeoutMs: 10_000,
  requestTimeoutMs: 10_000,
  pingEveryMs: 25_000,
  maxMessages: 2_000,
  maxRetryBackoffMs: 30_000,
  abuseBackoffMs: 30_000,
  requestRetries: 5,
  typingRenewMs: 3_000,
  typingIdleMs: 5_000,
  typingLapseMs: 6_000,
  presenceRefreshMs: 15_000,
  storagePrefix: 'rallypoint',
});

/** Where the outbox is kept: localStorage, or anything with its three methods. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** What the client needs of a WebSocket: the browser's, Node's global one, or the `ws` package's. */
export interface WebSocketLike {
  onopen: ((event: never) => unknown) | null;
  onmessage: ((event: never) => unknown) | null;
  onclose: ((event: never) => unknown) | null;
  onerror: ((event: never) => unknown) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

export type WebSocketConstructor = new (url: string) => WebSocketLike;

export interface RallypointClientOptions extends Partial<Settings> {
  /** The gateway's WebSocket URL, e.g. ws://127.0.0.1:8080/ws */
  url: string;
  /** The user's JWT. */
  token: string;
  /** Conversations to sync on every (re)connect. */
  conversations?: string[];
  /** Where the outbox is kept (default localStorage, else memory). */
  storage?: StorageLike;
  /** The WebSocket class (default the global one), e.g. `WebSocket` of the `ws` package in Node. */
  WebSocket?: WebSocketConstructor;
}

export type ConnectionState = 'connecting' | 'open' | 'offline' | 'expired' | 'stopped';

/** A chat message as the client holds it: the wire's, with its conversation. */
export type Message = ChatMessage;

export type Metadata = ChatMessage['metadata'];

/** One line of a timeline: a message the gateway has (`sent`, `read`) or one of the outbox (`pending`, `failed`). */
export interface TimelineEntry {
  conversation: string;
  messageId?: string;
  seq?: number;
  sender: string;
  clientMsgId: string;
  body: string;
  metadata?: Metadata;
  sentAt: string;
  mine: boolean;
  status: 'pending' | 'failed' | 'sent' | 'read';
  /** Why the gateway refused it for good (status `failed`). */
  failed?: { code: string; message: string };
  /** The other members who have read it. */
  readBy: string[];
}

/** A member's latest position. */
export interface Position {
  user: string;
  lat: number;
  lng: number;
  at: string;
}

/** What each event's `detail` carries. */
export interface RallypointEventMap {
  state: { state: ConnectionState };
  message: { conversation: string; message: Message };
  ack: { conversation: string; message: Message };
  receipt: { conversation: string; user: string; seq: number };
  meetingPoint: { conversation: string; meetingPoint: MeetingPoint };
  synced: { conversation: string };
  typing: { conversation: string; user: string; state: 'started' | 'stopped' };
  presence: { conversation: string };
  location: { conversation: string; user: string; lat: number; lng: number; at: string };
  error: { code: string; message: string; frame?: ServerError };
  change: Record<string, never>;
}

/** A frame that gets a reply, without the `id` the client gives it. */
export type RequestFrame = DistributiveOmit<Exclude<ClientFrame, { type: 'send' | 'typing' }>, 'id'>;

/** The reply to each kind of request. */
export interface Replies {
  read: ServerOk;
  location: ServerOk;
  session: ServerOk;
  sync: ServerSync;
  meetingPoint: ServerMeetingPoint;
  presence: ServerPresence;
  ping: ServerPong;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** An Error whose `code` is the gateway's error code, `offline` or `timeout`. */
export interface CodeError extends Error {
  code: string;
}

type Timer = ReturnType<typeof setTimeout>;
type Interval = ReturnType<typeof setInterval>;

interface OutboxEntry {
  conversation: string;
  clientMsgId: string;
  body: string;
  createdAt: string;
  metadata?: Metadata;
  failed?: { code: string; message: string };
  /** `unavailable` refusals in a row. */
  attempts?: number;
  /** Not sent again before then (epoch ms). */
  retryAt?: number;
}

interface PendingRequest {
  resolve: (reply: ServerFrame) => void;
  reject: (error: CodeError) => void;
  at: number;
  timeoutMs: number;
  frame: ClientFrame;
  retries: number;
}

interface TypingState {
  active: boolean;
  lastKeyAt: number;
  idleTimer: Timer | null;
  renewTimer: Interval | null;
  retryTimer: Timer | null;
  blockedUntil: number;
  sentState: 'started' | 'stopped' | null;
}

interface Conversation {
  id: string;
  cursor: number | null;
  bySeq: Map<number, Message>;
  messageIds: Set<string>;
  receipts: Map<string, number>;
  readSent: number;
  meetingPoint: MeetingPoint | null;
  syncing: Promise<void> | null;
  typing: TypingState;
  /** user -> the timer of their lapse */
  typists: Map<string, Timer>;
  online: Set<string>;
  recording: Set<string>;
  /** one map of the pushes since each presence request in flight was sent */
  presenceAsked: Set<Map<string, 'online' | 'offline'>>;
  locations: Map<string, Position & { atMs: number }>;
}

/** Errors that mean "the frame was not accepted, keep it and try again". */
const RETRYABLE = new Set(['unavailable', 'rate_limited']);

/** WebSocket close codes the gateway uses (PROTOCOL 1.7). */
const CLOSE_POLICY_VIOLATION = 1008;
const CLOSE_TOKEN_EXPIRED = 4001;

// ---- pure rules -------------------------------------------------------------------------------

/**
 * How long to wait before reconnect attempt `attempt` (0 for the first after a sync completed):
 * `min(maxBackoffMs, initialBackoffMs * 2^attempt)` scaled by a random factor in [0.5, 1), so that
 * a restarted gateway is not hit by every client at once; never less than `atLeastMs`.
 */
export function reconnectDelay(
  attempt: number,
  { initialBackoffMs, maxBackoffMs }: Pick<Settings, 'initialBackoffMs' | 'maxBackoffMs'>,
  atLeastMs = 0,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxBackoffMs, initialBackoffMs * 2 ** Math.min(attempt, 30));
  return Math.max(atLeastMs, Math.round(ceiling * (0.5 + random() * 0.5)));
}

/**
 * How long to wait before sending a refused frame again: for `rate_limited` its `retryAfterMs`
 * (its turn); for `unavailable` `retryAfterMs` doubled on each further refusal, up to
 * `maxRetryBackoffMs`, plus jitter of up to as much again. `attempts` counts this refusal.
 */
export function retryDelay(
  refusal: { code: string; retryAfterMs?: number },
  attempts: number,
  { initialBackoffMs, maxRetryBackoffMs }: Pick<Settings, 'initialBackoffMs' | 'maxRetryBackoffMs'>,
  random: () => number = Math.random,
): number {
  const hint = Number.isInteger(refusal.retryAfterMs) && refusal.retryAfterMs! >= 0 ? refusal.retryAfterMs! : null;
  if (refusal.code === 'rate_limited' && hint !== null) return hint;
  const base = hint ?? initialBackoffMs;
  const backoff = Math.min(maxRetryBackoffMs, base * 2 ** Math.min(attempts - 1, 30));
  return Math.max(base, Math.round(backoff * (1 + random())));
}

/**
 * The sync cursor after a sync page (`lastSeq`) or, without one, after a live message: a page moves
 * it to its `lastSeq` (never back); then it moves over every seq held next to it, and no further,
 * so a message missed while disconnected is always fetched by the next `sync` with `afterSeq`.
 * Before the first page there is no cursor (null): the first sync asks for the latest page.
 */
export function advanceCursor(cursor: number | null, held: { has(seq: number): boolean }, lastSeq?: number): number | null {
  let next = typeof lastSeq === 'number' ? Math.max(cursor ?? 0, lastSeq) : cursor;
  if (next === null) return null;
  while (held.has(next + 1)) next += 1;
  return next;
}

/** The `sub` of a JWT (the user id), read without checking the signature (the gateway checks it). */
export function userOfToken(token: string | null | undefined): string | null {
  const part = String(token ?? '').split('.')[1];
  if (!part) return null;
  try {
    const json = atob(part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '='));
    const sub: unknown = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))).sub;
    return typeof sub === 'string' && sub !== '' ? sub : null;
  } catch {
    return null;
  }
}

/** A random UUID (v4), also where crypto.randomUUID is missing (plain-HTTP origins other than localhost). */
export function uuid(): string {
  if (typeof globalThis.crypto?.randomUUID === 'function') {
    try {
      return crypto.randomUUID();
    } catch { /* insecure context: fall through */ }
  }
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const h = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The given storage, else localStorage, when it works (private modes may refuse); else a map that lives as long as the client. */
function storageOrMemory(given: StorageLike | undefined): StorageLike {
  try {
    const storage = given ?? globalThis.localStorage;
    const probe = '__rallypoint_probe__';
    storage.setItem(probe, '1');
    storage.removeItem(probe);
    return storage;
  } catch {
    const map = new Map<string, string>();
    return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, String(v)), removeItem: (k) => void map.delete(k) };
  }
}

export interface RallypointClient {
  addEventListener<K extends keyof RallypointEventMap>(
    type: K,
    listener: (event: CustomEvent<RallypointEventMap[K]>) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof RallypointEventMap>(
    type: K,
    listener: (event: CustomEvent<RallypointEventMap[K]>) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

export class RallypointClient extends EventTarget {
  /** The token's user: the one whose outbox this is. */
  readonly user: string;
  #options: Settings;
  #url: string;
  #token: string;
  #storage: StorageLike;
  #WebSocket: WebSocketConstructor;
  #ws: WebSocketLike | null = null;
  #state: ConnectionState = 'stopped';
  #attempt = 0;
  #reconnectTimer: Timer | undefined = undefined;
  #tickTimer: Interval | undefined = undefined;
  #flushTimer: Timer | undefined = undefined;
  #lastPingAt = 0;
  #pingId: string | null = null;
  #nextId = 0;
  #idPrefix = uuid().slice(0, 8);
  /** id -> {resolve, reject, at, timeoutMs, frame, retries} for request(); id -> {clientMsgId, at} for outbox sends. */
  #requests = new Map<string, PendingRequest>();
  #sends = new Map<string, { clientMsgId: string; at: number }>();
  #outbox: OutboxEntry[];
  #conversations = new Map<string, Conversation>();
  #paused = false;
  /** True while the page is hidden in the back/forward cache with the connection closed by pagehide. */
  #hiddenByPage = false;
  /** id -> {conversation, at} of the typing frames sent, so that a refusal is matched to its conversation. */
  #typingFrames = new Map<string, { conversation: string; at: number }>();
  #lastPresenceAt = 0;
  readonly onlineListener: () => void;
  readonly pageHideListener: (event: PageTransitionEvent) => void;
  readonly pageShowListener: (event: PageTransitionEvent) => void;

  constructor({ url, token, conversations = [], storage, WebSocket, ...options }: RallypointClientOptions) {
    super();
    this.#options = { ...DEFAULTS, ...options };
    this.#url = url;
    this.#token = token;
    const user = userOfToken(token);
    if (!user) throw new Error('the token is not a JWT with a subject (sub)');
    this.user = user;
    const socket = WebSocket ?? (globalThis.WebSocket as WebSocketConstructor | undefined);
    if (typeof socket !== 'function') {
      throw new Error('no WebSocket: pass the WebSocket option (e.g. the ws package), or run Node 20 with --experimental-websocket');
    }
    this.#WebSocket = socket;
    this.#storage = storageOrMemory(storage);
    this.#outbox = this.#loadOutbox();
    for (const id of conversations) this.#conversation(id);
    this.onlineListener = () => this.reconnectNow();
    // A page kept in the back/forward cache is frozen but its WebSocket would stay open: the gateway
    // would go on counting the user online (and sending them frames) after they left the page.
    this.pageHideListener = (event) => {
      if (this.#paused) return;
      this.#hiddenByPage = event.persisted;
      this.setOnline(false);
    };
    this.pageShowListener = (event) => {
      if (!event.persisted || !this.#hiddenByPage) return;
      this.#hiddenByPage = false;
      this.setOnline(true);
    };
  }

  /** 'connecting' | 'open' | 'offline' | 'expired' | 'stopped' */
  get state(): ConnectionState {
    return this.#state;
  }

  /** Opens the connection and keeps it open (reconnecting) until stop(). */
  start(): void {
    if (this.#state !== 'stopped') return;
    this.#paused = false;
    globalThis.addEventListener?.('online', this.onlineListener);
    globalThis.addEventListener?.('pagehide', this.pageHideListener);
    globalThis.addEventListener?.('pageshow', this.pageShowListener);
    this.#connect();
  }

  /** Closes the connection for good; the outbox stays in storage for the next start(). */
  stop(): void {
    this.#paused = true;
    globalThis.removeEventListener?.('online', this.onlineListener);
    globalThis.removeEventListener?.('pagehide', this.pageHideListener);
    globalThis.removeEventListener?.('pageshow', this.pageShowListener);
    this.#hiddenByPage = false;
    clearTimeout(this.#reconnectTimer);
    this.#drop('stopped');
    for (const conv of this.#conversations.values()) this.#stopTimers(conv); // nothing keeps a Node process alive
    this.#setState('stopped');
  }

  /** Demo and tests: go offline on purpose (messages typed meanwhile wait in the outbox) or back online. */
  setOnline(online: boolean): void {
    if (online) {
      if (this.#paused) {
        this.#paused = false;
        this.#setState('offline');
        this.reconnectNow();
      }
    } else {
      this.#paused = true;
      clearTimeout(this.#reconnectTimer);
      this.#drop('offline');
      this.#setState('offline');
    }
  }

  /**
   * Replaces the token (of the same user: the outbox is theirs), e.g. after the gateway closed the
   * connection because the old one expired; reconnects at once when it was waiting for one.
   */
  setToken(token: string): void {
    if (userOfToken(token) !== this.user) throw new Error(`the token is not one of ${this.user}`);
    this.#token = token;
    if (this.#state === 'expired') {
      this.#setState('offline');
      this.reconnectNow();
    }
  }

  /** Tries to connect now instead of waiting for the backoff (e.g. the network came back). */
  reconnectNow(): void {
    if (this.#paused || this.#state === 'open' || this.#state === 'connecting' || this.#state === 'expired') return;
    clearTimeout(this.#reconnectTimer);
    this.#attempt = 0;
    this.#connect();
  }

  /** Adds a conversation to sync on every (re)connect (and now, when open). */
  watch(conversation: string): void {
    const fresh = !this.#conversations.has(conversation);
    const conv = this.#conversation(conversation);
    if (fresh && this.#state === 'open') this.#sync(conv).catch(() => {});
  }

  /**
   * Queues a message (persisted at once) and sends it when connected; returns its clientMsgId.
   * It shows in the timeline as `pending` until acked.
   */
  send(conversation: string, body: string, metadata?: Metadata): string {
    this.#conversation(conversation);
    this.stopTyping(conversation);
    const entry: OutboxEntry = { conversation, clientMsgId: uuid(), body: String(body ?? ''), createdAt: new Date().toISOString() };
    if (metadata !== undefined) entry.metadata = metadata;
    this.#outbox.push(entry);
    this.#saveOutbox();
    this.#changed();
    this.#flush();
    return entry.clientMsgId;
  }

  /** Removes a failed (or any) message from the outbox. */
  discard(clientMsgId: string): void {
    this.#outbox = this.#outbox.filter((e) => e.clientMsgId !== clientMsgId);
    this.#saveOutbox();
    this.#changed();
  }

  /** Marks the conversation read up to seq (sent only when higher than the last one sent). */
  read(conversation: string, seq: number): void {
    const conv = this.#conversation(conversation);
    if (!(seq > conv.readSent) || this.#state !== 'open') return;
    const before = conv.readSent;
    conv.readSent = seq;
    this.request({ type: 'read', conversation, seq }).catch(() => {
      if (conv.readSent === seq) conv.readSent = before; // not recorded: the next call tries again
    });
  }

  /**
   * The user typed in the conversation's composer: sends `typing` `started` unless already typing,
   * renews it every `typingRenewMs` while this keeps being called, and sends `stopped` once it has
   * not been called for `typingIdleMs`.
   */
  typing(conversation: string): void {
    const t = this.#conversation(conversation).typing;
    t.lastKeyAt = Date.now();
    clearTimeout(t.idleTimer ?? undefined);
    t.idleTimer = setTimeout(() => this.stopTyping(conversation), this.#options.typingIdleMs);
    if (t.active) return;
    t.active = true;
    t.renewTimer = setInterval(() => this.#sendTyping(conversation), this.#options.typingRenewMs);
    this.#sendTyping(conversation);
  }

  /** The user stopped typing (left the composer, or sent): sends `stopped` when `started` was sent. */
  stopTyping(conversation: string): void {
    const t = this.#conversation(conversation).typing;
    clearTimeout(t.idleTimer ?? undefined);
    clearInterval(t.renewTimer ?? undefined);
    t.idleTimer = t.renewTimer = null;
    if (!t.active) return;
    t.active = false;
    this.#sendTyping(conversation);
  }

  /** The other members typing in the conversation now, in user id order. */
  typists(conversation: string): string[] {
    return [...this.#conversation(conversation).typists.keys()].sort();
  }

  /** The members online now (this user included once connected), in user id order. */
  online(conversation: string): string[] {
    return [...this.#conversation(conversation).online].sort();
  }

  /** The members in an active recording session, as last heard, in user id order. */
  recording(conversation: string): string[] {
    return [...this.#conversation(conversation).recording].sort();
  }

  /** The latest position of each member who shared one since the client started: [{user, lat, lng, at}], by user id. */
  locations(conversation: string): Position[] {
    return [...this.#conversation(conversation).locations.values()]
      .sort((a, b) => (a.user < b.user ? -1 : 1))
      .map(({ user, lat, lng, at }) => ({ user, lat, lng, at }));
  }

  /** Asks the gateway who is online and who is recording (e.g. after this user started or ended a session). */
  refreshPresence(conversation: string): Promise<void> {
    const conv = this.#conversation(conversation);
    if (this.#state !== 'open') return Promise.resolve();
    // The reply is what the gateway saw while answering; a push that arrives before it may be newer.
    const pushed = new Map<string, 'online' | 'offline'>(); // pushed while the request is in flight
    conv.presenceAsked.add(pushed);
    return this.request({ type: 'presence', conversation }).then((reply) => {
      conv.presenceAsked.delete(pushed);
      this.#applyPresence(conv, reply, pushed);
    }, () => { /* offline or refused: the next connect or refresh asks again */
      conv.presenceAsked.delete(pushed);
    });
  }

  /**
   * Sends a frame with a fresh `id` and resolves with the reply to it; rejects with an Error whose
   * `code` is the gateway's error code, 'offline' (not connected) or 'timeout'.
   */
  request<F extends RequestFrame>(frame: F, timeoutMs: number = this.#options.requestTimeoutMs): Promise<Replies[F['type']]> {
    if (this.#state !== 'open') return Promise.reject(codeError('offline', 'not connected'));
    const id = this.#frameId();
    const withId = { ...frame, id } as ClientFrame;
    return new Promise((resolve, reject) => {
      this.#requests.set(id, { resolve: resolve as (reply: ServerFrame) => void, reject, at: Date.now(), timeoutMs, frame: withId, retries: 0 });
      this.#write(withId);
    });
  }

  /** The conversation's messages, oldest first, then the outbox's (pending or failed). */
  timeline(conversation: string): TimelineEntry[] {
    const conv = this.#conversation(conversation);
    const readers = [...conv.receipts.entries()];
    const confirmed = [...conv.bySeq.values()].sort((a, b) => a.seq - b.seq).map((m): TimelineEntry => {
      const readBy = readers.filter(([u, seq]) => u !== m.sender && seq >= m.seq).map(([u]) => u);
      return { ...m, mine: m.sender === this.user, status: readBy.length ? 'read' : 'sent', readBy };
    });
    const queued = this.#outbox.filter((e) => e.conversation === conversation).map((e): TimelineEntry => ({
      conversation, clientMsgId: e.clientMsgId, sender: this.user, body: e.body, metadata: e.metadata,
      sentAt: e.createdAt, mine: true, status: e.failed ? 'failed' : 'pending', failed: e.failed, readBy: [],
    }));
    return confirmed.concat(queued);
  }

  /** The latest meeting point seen for the conversation, or null. */
  meetingPoint(conversation: string): MeetingPoint | null {
    return this.#conversation(conversation).meetingPoint;
  }

  /** Messages of this user still waiting for an ack (all conversations). */
  get pendingCount(): number {
    return this.#outbox.filter((e) => !e.failed).length;
  }

  // ---- connection -------------------------------------------------------------------------

  #connect(): void {
    clearTimeout(this.#reconnectTimer);
    this.#setState('connecting');
    const sep = this.#url.includes('?') ? '&' : '?';
    let ws: WebSocketLike;
    try {
      ws = new this.#WebSocket(`${this.#url}${sep}token=${encodeURIComponent(this.#token)}`);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#ws = ws;
    ws.onopen = () => {
      if (this.#ws !== ws) return;
      this.#setState('open');
      this.#lastPingAt = Date.now();
      for (const e of this.#outbox) delete e.retryAt; // a new connection: everything is sent again now
      this.#tickTimer = setInterval(() => this.#tick(), 1_000);
      this.#flush();
      this.#syncAll();
      this.#refreshAllPresence();
    };
    ws.onmessage = (event: { data: unknown }) => {
      if (this.#ws !== ws) return;
      let frame: ServerFrame;
      try {
        frame = JSON.parse(String(event.data));
      } catch {
        return;
      }
      this.#onFrame(frame);
    };
    ws.onclose = (event: { code?: number } | undefined) => this.#lost(ws, event?.code);
    ws.onerror = () => { /* a close event follows */ };
  }

  /**
   * The connection is gone (closed, refused, or silent): go offline and try again later; after
   * 1008 not before `abuseBackoffMs`; after 4001 (token expired) only once `setToken` gave a new one.
   */
  #lost(ws: WebSocketLike | null, code?: number): void {
    if (this.#ws !== ws) return;
    this.#drop('offline');
    if (code === CLOSE_TOKEN_EXPIRED) {
      this.#setState('expired');
      this.#emit('error', { code: 'token_expired', message: 'the token expired: call setToken with a fresh one' });
      return;
    }
    this.#setState('offline');
    this.#scheduleReconnect(code === CLOSE_POLICY_VIOLATION ? this.#options.abuseBackoffMs : 0);
  }

  /** Forgets the socket (closing it) and fails everything that waited on it. */
  #drop(reason: string): void {
    const ws = this.#ws;
    this.#ws = null;
    clearInterval(this.#tickTimer);
    clearTimeout(this.#flushTimer);
    this.#pingId = null;
    if (ws) {
      ws.onopen = ws.onmessage = ws.onclose = ws.onerror = null;
      try {
        ws.close(1000, reason);
      } catch { /* already closed */ }
    }
    for (const { reject } of this.#requests.values()) reject(codeError('offline', 'the connection closed'));
    this.#requests.clear();
    this.#sends.clear(); // still in the outbox: sent again on the next connect
    this.#typingFrames.clear();
    for (const conv of this.#conversations.values()) {
      conv.syncing = null;
      conv.typing.blockedUntil = 0;
      clearTimeout(conv.typing.retryTimer ?? undefined);
      for (const user of [...conv.typists.keys()]) this.#typistGone(conv, user); // their stopped may be lost meanwhile
    }
  }

  #scheduleReconnect(atLeastMs = 0): void {
    if (this.#paused) return;
    const delay = reconnectDelay(this.#attempt, this.#options, atLeastMs);
    this.#attempt += 1;
    clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = setTimeout(() => this.#connect(), delay);
  }

  /** Once a second while open: ping, request timeouts, resend of un-acked messages and of retries due. */
  #tick(): void {
    const now = Date.now();
    if (this.#pingId && now - this.#lastPingAt > this.#options.requestTimeoutMs) {
      this.#lost(this.#ws); // no pong: the connection is dead even if the socket does not know yet
      return;
    }
    if (!this.#pingId && now - this.#lastPingAt >= this.#options.pingEveryMs) {
      this.#pingId = this.#frameId();
      this.#lastPingAt = now;
      this.#write({ type: 'ping', id: this.#pingId });
    }
    for (const [id, r] of this.#requests) {
      if (now - r.at > r.timeoutMs) {
        this.#requests.delete(id);
        r.reject(codeError('timeout', 'no reply in time'));
      }
    }
    for (const [id, s] of this.#sends) {
      if (now - s.at > this.#options.ackTimeoutMs) this.#sends.delete(id); // #flush sends it again
    }
    for (const [id, t] of this.#typingFrames) {
      if (now - t.at > this.#options.requestTimeoutMs) this.#typingFrames.delete(id); // accepted: no reply comes
    }
    if (now - this.#lastPresenceAt >= this.#options.presenceRefreshMs) this.#refreshAllPresence();
    this.#flush();
  }

  // ---- outbox -----------------------------------------------------------------------------

  /** Sends, oldest first, what is neither in flight nor failed, stopping at the first message waiting for its retry. */
  #flush(): void {
    if (this.#state !== 'open') return;
    clearTimeout(this.#flushTimer);
    const inFlight = new Set([...this.#sends.values()].map((s) => s.clientMsgId));
    const now = Date.now();
    for (const e of this.#outbox) {
      if (e.failed || inFlight.has(e.clientMsgId)) continue;
      if (e.retryAt && e.retryAt > now) {
        this.#flushTimer = setTimeout(() => this.#flush(), e.retryAt - now); // nothing overtakes it
        return;
      }
      const id = this.#frameId();
      this.#sends.set(id, { clientMsgId: e.clientMsgId, at: now });
      const frame: ClientFrame = { type: 'send', id, conversation: e.conversation, clientMsgId: e.clientMsgId, body: e.body };
      if (e.metadata !== undefined) frame.metadata = e.metadata;
      this.#write(frame);
    }
  }

  #outboxKey(): string {
    return `${this.#options.storagePrefix}.outbox.${this.user}`;
  }

  #loadOutbox(): OutboxEntry[] {
    try {
      const saved: unknown = JSON.parse(this.#storage.getItem(this.#outboxKey()) ?? '[]');
      return Array.isArray(saved) ? saved.filter((e) => e && e.clientMsgId && e.conversation) : [];
    } catch {
      return [];
    }
  }

  #saveOutbox(): void {
    try {
      this.#storage.setItem(this.#outboxKey(), JSON.stringify(this.#outbox));
    } catch { /* quota: the outbox still lives in memory */ }
  }

  /** Takes a message out of the outbox once the gateway has it (ack, or found by sync). */
  #settle(clientMsgId: string): void {
    const before = this.#outbox.length;
    this.#outbox = this.#outbox.filter((e) => e.clientMsgId !== clientMsgId);
    if (this.#outbox.length !== before) this.#saveOutbox();
    for (const [id, s] of this.#sends) if (s.clientMsgId === clientMsgId) this.#sends.delete(id);
  }

  // ---- frames -----------------------------------------------------------------------------

  #onFrame(f: ServerFrame): void {
    switch (f.type) {
      case 'ack': {
        if (f.id !== undefined) this.#sends.delete(f.id);
        const entry = this.#outbox.find((e) => e.clientMsgId === f.clientMsgId);
        this.#settle(f.clientMsgId);
        if (entry) {
          const message: Message = {
            conversation: entry.conversation, messageId: f.messageId, seq: f.seq, sender: this.user,
            clientMsgId: f.clientMsgId, body: entry.body, metadata: entry.metadata ?? {}, sentAt: f.sentAt,
          };
          this.#addMessage(message);
          this.#emit('ack', { conversation: entry.conversation, message });
        }
        this.#changed();
        return;
      }
      case 'message': {
        const { type, ...message } = f;
        if (message.sender === this.user) this.#settle(message.clientMsgId);
        else this.#typistGone(this.#conversation(message.conversation), message.sender); // they sent what they typed
        if (this.#addMessage(message)) this.#changed();
        return;
      }
      case 'receipt': {
        const conv = this.#conversation(f.conversation);
        if (f.user !== this.user && !(conv.receipts.get(f.user)! >= f.seq)) {
          conv.receipts.set(f.user, f.seq);
          this.#emit('receipt', { conversation: f.conversation, user: f.user, seq: f.seq });
          this.#changed();
        }
        return;
      }
      case 'meetingPoint': {
        this.#resolve(f);
        const { type, id, ...point } = f;
        const conv = this.#conversation(f.conversation);
        if (!conv.meetingPoint || !(conv.meetingPoint.computedAt > point.computedAt)) {
          conv.meetingPoint = point;
          this.#emit('meetingPoint', { conversation: f.conversation, meetingPoint: point });
        }
        return;
      }
      case 'typing': {
        const conv = this.#conversation(f.conversation);
        if (f.user === this.user) return;
        if (f.state === 'started') {
          const known = conv.typists.get(f.user);
          clearTimeout(known);
          // shown until stopped, or until a lapse without renewal (the server's stopped may be lost)
          conv.typists.set(f.user, setTimeout(() => this.#typistGone(conv, f.user), this.#options.typingLapseMs));
          if (known === undefined) this.#typingChanged(conv, f.user, 'started');
        } else {
          this.#typistGone(conv, f.user);
        }
        return;
      }
      case 'presence': {
        if (!('user' in f)) {
          this.#resolve(f); // the reply to a request: refreshPresence applies it
          return;
        }
        const conv = this.#conversation(f.conversation);
        for (const pushed of conv.presenceAsked) pushed.set(f.user, f.state);
        const before = conv.online.has(f.user);
        if (f.state === 'online') conv.online.add(f.user);
        else if (f.state === 'offline') {
          conv.online.delete(f.user);
          this.#typistGone(conv, f.user);
        }
        if (before !== conv.online.has(f.user)) this.#presenceChanged(conv);
        return;
      }
      case 'location': {
        const conv = this.#conversation(f.conversation);
        const at = Date.parse(f.at);
        const known = conv.locations.get(f.user);
        if (!Number.isFinite(at) || (known && !(at > known.atMs))) return; // an older position arriving late
        conv.locations.set(f.user, { user: f.user, lat: f.lat, lng: f.lng, at: f.at, atMs: at });
        if (!conv.recording.has(f.user)) {
          conv.recording.add(f.user); // only an active recording session shares positions
          this.#presenceChanged(conv);
        }
        this.#emit('location', { conversation: f.conversation, user: f.user, lat: f.lat, lng: f.lng, at: f.at });
        this.#changed();
        return;
      }
      case 'pong':
        if (f.id === this.#pingId) this.#pingId = null;
        return;
      case 'error':
        this.#onError(f);
        return;
      default: // ok, sync and anything newer answer a request
        this.#resolve(f);
    }
  }

  #resolve(f: ServerFrame): void {
    const id = 'id' in f ? f.id : undefined;
    const r = id !== undefined && this.#requests.get(id);
    if (r) {
      this.#requests.delete(id);
      r.resolve(f);
    }
  }

  #retryDelay(f: ServerError, attempts: number): number {
    return retryDelay(f, attempts, this.#options);
  }

  #onError(f: ServerError): void {
    if (f.id !== undefined && f.id === this.#pingId) {
      this.#pingId = null; // refused (e.g. rate_limited while the outbox drains), but the connection answered
      return;
    }
    const typing = f.id !== undefined && this.#typingFrames.get(f.id);
    if (typing) {
      this.#typingFrames.delete(f.id!);
      if (f.code === 'rate_limited') {
        // nothing typed goes out before the refused frame's turn; then the state the user is in by then
        const t = this.#conversation(typing.conversation).typing;
        t.blockedUntil = Date.now() + this.#retryDelay(f, 1);
        clearTimeout(t.retryTimer ?? undefined);
        t.retryTimer = setTimeout(() => this.#sendTyping(typing.conversation), t.blockedUntil - Date.now());
      }
      return; // ephemeral: never an error the user needs to see
    }
    const send = f.id !== undefined && this.#sends.get(f.id);
    if (send) {
      this.#sends.delete(f.id!);
      const entry = this.#outbox.find((e) => e.clientMsgId === send.clientMsgId);
      if (entry && RETRYABLE.has(f.code)) {
        entry.attempts = f.code === 'unavailable' ? (entry.attempts ?? 0) + 1 : 0;
        entry.retryAt = Date.now() + this.#retryDelay(f, entry.attempts);
        this.#flush(); // arms the timer for the oldest waiting message
      } else if (entry) {
        entry.failed = { code: f.code, message: f.message };
        this.#saveOutbox();
        this.#changed();
      }
      this.#emit('error', { code: f.code, message: f.message, frame: f });
      return;
    }
    const r = f.id !== undefined && this.#requests.get(f.id);
    if (r) {
      if (RETRYABLE.has(f.code) && r.retries < this.#options.requestRetries) {
        r.retries += 1;
        const delay = this.#retryDelay(f, r.retries);
        r.at = Date.now() + delay; // its timeout counts from the resend
        setTimeout(() => {
          if (this.#requests.get(f.id!) === r) this.#write(r.frame);
        }, delay);
        return;
      }
      this.#requests.delete(f.id!);
      r.reject(codeError(f.code, f.message));
      return;
    }
    this.#emit('error', { code: f.code, message: f.message, frame: f });
  }

  // ---- conversations and sync -------------------------------------------------------------

  #conversation(id: string): Conversation {
    let conv = this.#conversations.get(id);
    if (!conv) {
      conv = { id, cursor: null, bySeq: new Map(), messageIds: new Set(), receipts: new Map(), readSent: 0,
        meetingPoint: null, syncing: null,
        typing: { active: false, lastKeyAt: 0, idleTimer: null, renewTimer: null, retryTimer: null, blockedUntil: 0,
          sentState: null },
        typists: new Map(),
        online: new Set(), recording: new Set(),
        presenceAsked: new Set(),
        locations: new Map() };
      this.#conversations.set(id, conv);
    }
    return conv;
  }

  /** Keeps a message unless already held; moves the sync cursor over contiguous seqs. True when new. */
  #addMessage(m: Message): boolean {
    const conv = this.#conversation(m.conversation);
    if (conv.bySeq.has(m.seq) || conv.messageIds.has(m.messageId)) return false;
    conv.bySeq.set(m.seq, m);
    conv.messageIds.add(m.messageId);
    conv.cursor = advanceCursor(conv.cursor, conv.bySeq);
    if (conv.bySeq.size > this.#options.maxMessages) {
      const oldest = Math.min(...conv.bySeq.keys());
      conv.messageIds.delete(conv.bySeq.get(oldest)!.messageId);
      conv.bySeq.delete(oldest);
    }
    this.#emit('message', { conversation: conv.id, message: m });
    return true;
  }

  #syncAll(): void {
    const all = [...this.#conversations.values()].map((conv) => this.#sync(conv));
    Promise.all(all).then(() => { this.#attempt = 0; }, () => { /* the next connect syncs again */ });
  }

  /** Pages through the conversation from its cursor until the gateway says there is no more. */
  #sync(conv: Conversation): Promise<void> {
    if (conv.syncing) return conv.syncing;
    const run = (async () => {
      let waits = 0;
      for (;;) {
        const frame: RequestFrame = { type: 'sync', conversation: conv.id, limit: this.#options.pageSize };
        if (conv.cursor !== null) frame.afterSeq = conv.cursor;
        const page = await this.request(frame);
        let changed = false;
        for (const m of page.messages ?? []) {
          const message: Message = { ...m, conversation: conv.id };
          if (message.sender === this.user && this.#outbox.some((e) => e.clientMsgId === message.clientMsgId)) {
            this.#settle(message.clientMsgId); // accepted before the connection dropped; its ack was lost
            changed = true;
          }
          changed = this.#addMessage(message) || changed;
        }
        conv.cursor = advanceCursor(conv.cursor, conv.bySeq, page.lastSeq);
        if (changed) this.#changed();
        if (!page.hasMore) break;
        if ((page.messages ?? []).length === 0) {
          await new Promise((r) => setTimeout(r, Math.min(2_000, 250 * 2 ** waits++)));
          if (this.#state !== 'open') throw codeError('offline', 'the connection closed');
        }
      }
      this.#emit('synced', { conversation: conv.id });
    })();
    conv.syncing = run;
    run.finally(() => { if (conv.syncing === run) conv.syncing = null; }).catch(() => {});
    return run;
  }

  // ---- typing, presence --------------------------------------------------------------------

  /**
   * Sends the user's typing state (`started` while active, else `stopped` once after a `started`),
   * unless a refused typing frame's turn has not come yet (its timer sends it then).
   */
  #sendTyping(conversation: string): void {
    const t = this.#conversation(conversation).typing;
    const state = t.active ? 'started' : 'stopped';
    if (this.#state !== 'open' || Date.now() < t.blockedUntil) return;
    if (state === 'stopped' && t.sentState !== 'started') return; // nobody was told it started
    const id = this.#frameId();
    this.#typingFrames.set(id, { conversation, at: Date.now() });
    t.sentState = state;
    this.#write({ type: 'typing', id, conversation, state });
  }

  /** Stops the typing timers of a conversation (the client stops; nothing will be sent). */
  #stopTimers(conv: Conversation): void {
    const t = conv.typing;
    clearTimeout(t.idleTimer ?? undefined);
    clearInterval(t.renewTimer ?? undefined);
    t.idleTimer = t.renewTimer = null;
    t.active = false;
  }

  #typistGone(conv: Conversation, user: string): void {
    if (!conv.typists.has(user)) return;
    clearTimeout(conv.typists.get(user));
    conv.typists.delete(user);
    this.#typingChanged(conv, user, 'stopped');
  }

  #typingChanged(conv: Conversation, user: string, state: 'started' | 'stopped'): void {
    this.#emit('typing', { conversation: conv.id, user, state });
    this.#changed();
  }

  #refreshAllPresence(): void {
    this.#lastPresenceAt = Date.now();
    for (const conv of this.#conversations.values()) this.refreshPresence(conv.id);
  }

  #applyPresence(conv: Conversation, reply: ServerPresence, pushed: Map<string, 'online' | 'offline'>): void {
    if (!('online' in reply) || !Array.isArray(reply.online) || !Array.isArray(reply.recording)) return;
    conv.online = new Set(reply.online);
    for (const [user, state] of pushed) {
      if (state === 'online') conv.online.add(user);
      else if (state === 'offline') conv.online.delete(user);
    }
    conv.recording = new Set(reply.recording);
    this.#presenceChanged(conv);
  }

  #presenceChanged(conv: Conversation): void {
    this.#emit('presence', { conversation: conv.id });
    this.#changed();
  }

  // ---- plumbing ---------------------------------------------------------------------------

  #write(frame: ClientFrame): void {
    try {
      this.#ws?.send(JSON.stringify(frame));
    } catch { /* closing: the close handler takes over */ }
  }

  #frameId(): string {
    this.#nextId += 1;
    return `${this.#idPrefix}-${this.#nextId.toString(36)}`;
  }

  #setState(state: ConnectionState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#emit('state', { state });
    this.#changed();
  }

  #changed(): void {
    this.#emit('change', {});
  }

  #emit<K extends keyof RallypointEventMap>(type: K, detail: RallypointEventMap[K]): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}

function codeError(code: string, message?: string): CodeError {
  const e = new Error(message ?? code) as CodeError;
  e.code = code;
  return e;
}
