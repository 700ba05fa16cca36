// The client's pure rules, without a gateway: reconnect backoff with jitter, the retry delay of a
// refused frame, the sync cursor, the token's user, and the outbox kept in storage while offline.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { DEFAULTS, RallypointClient, advanceCursor, reconnectDelay, retryDelay, userOfToken, uuid } from '../dist/rallypoint-client.js';

const lowest = () => 0;
const highest = () => 1 - Number.EPSILON;
const unsigned = (claims) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;

describe('reconnect backoff', () => {
  test('doubles from initialBackoffMs on every attempt, up to maxBackoffMs', () => {
    const ceilings = [0, 1, 2, 3, 4, 5, 6, 10, 40].map((n) => reconnectDelay(n, DEFAULTS, 0, highest));
    assert.deepEqual(ceilings, [500, 1_000, 2_000, 4_000, 8_000, 15_000, 15_000, 15_000, 15_000]);
  });

  test('waits a random share of that, from half of it up to all of it (jitter)', () => {
    assert.equal(reconnectDelay(3, DEFAULTS, 0, lowest), 2_000);
    assert.equal(reconnectDelay(3, DEFAULTS, 0, () => 0.5), 3_000);
    const spread = new Set(Array.from({ length: 200 }, () => reconnectDelay(3, DEFAULTS)));
    for (const delay of spread) assert.ok(delay >= 2_000 && delay <= 4_000, `${delay}`);
    assert.ok(spread.size > 50, 'two clients rarely wait the same time');
  });

  test('waits at least what the close asked for (30 s after 1008)', () => {
    assert.equal(reconnectDelay(0, DEFAULTS, DEFAULTS.abuseBackoffMs, highest), 30_000);
  });
});

describe('retry delay of a refused frame', () => {
  test('rate_limited: exactly its retryAfterMs, its turn, however often it was refused', () => {
    assert.equal(retryDelay({ code: 'rate_limited', retryAfterMs: 50 }, 1, DEFAULTS, highest), 50);
    assert.equal(retryDelay({ code: 'rate_limited', retryAfterMs: 50 }, 7, DEFAULTS, highest), 50);
    assert.equal(retryDelay({ code: 'rate_limited', retryAfterMs: 0 }, 1, DEFAULTS, highest), 0);
  });

  test('unavailable: retryAfterMs doubled on every further refusal, plus jitter of up to as much again', () => {
    const refusal = { code: 'unavailable', retryAfterMs: 200 };
    assert.deepEqual([1, 2, 3].map((n) => retryDelay(refusal, n, DEFAULTS, lowest)), [200, 400, 800]);
    assert.deepEqual([1, 2, 3].map((n) => retryDelay(refusal, n, DEFAULTS, highest)), [400, 800, 1_600]);
  });

  test('unavailable: the doubling stops at maxRetryBackoffMs (the jitter comes on top)', () => {
    const refusal = { code: 'unavailable', retryAfterMs: 1_000 };
    assert.equal(retryDelay(refusal, 20, DEFAULTS, lowest), 30_000);
    assert.equal(retryDelay(refusal, 20, DEFAULTS, highest), 60_000);
  });

  test('without a usable retryAfterMs, initialBackoffMs is the base', () => {
    assert.equal(retryDelay({ code: 'unavailable' }, 1, DEFAULTS, lowest), 500);
    assert.equal(retryDelay({ code: 'rate_limited', retryAfterMs: -1 }, 2, DEFAULTS, lowest), 1_000);
  });
});

describe('sync cursor', () => {
  const held = (...seqs) => new Set(seqs);

  test('there is none before the first page: live messages do not make one', () => {
    assert.equal(advanceCursor(null, held(1, 2, 3)), null);
  });

  test('a page moves it to its lastSeq, then over the seqs held right after it', () => {
    assert.equal(advanceCursor(null, held(), 0), 0);
    assert.equal(advanceCursor(null, held(4, 5, 6), 3), 6);
    assert.equal(advanceCursor(2, held(), 10), 10);
  });

  test('a live message moves it only while the seqs are contiguous: a missed one is fetched next time', () => {
    assert.equal(advanceCursor(3, held(1, 2, 3, 4)), 4);
    assert.equal(advanceCursor(3, held(5, 6)), 3);
    assert.equal(advanceCursor(4, held(5, 6, 8)), 6);
  });

  test('never moves back', () => {
    assert.equal(advanceCursor(10, held(), 4), 10);
  });
});

describe('tokens and ids', () => {
  test("the user is the JWT's sub, unicode included", () => {
    assert.equal(userOfToken(unsigned({ sub: 'ana', exp: 1 })), 'ana');
    assert.equal(userOfToken(unsigned({ sub: 'zoë 🚴' })), 'zoë 🚴');
  });

  test('no sub, an empty one or no JWT at all is no user', () => {
    for (const bad of [unsigned({ exp: 1 }), unsigned({ sub: '' }), unsigned({ sub: 7 }), 'nonsense', '', null, undefined]) {
      assert.equal(userOfToken(bad), null, String(bad));
    }
  });

  test('a client refuses a token without a user', () => {
    assert.throws(() => new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: 'nonsense' }), /subject/);
  });

  test('clientMsgIds are lower-case UUIDs, all different', () => {
    const ids = Array.from({ length: 100 }, uuid);
    for (const id of ids) assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.equal(new Set(ids).size, ids.length);
  });
});

describe('the outbox while offline', () => {
  const storage = () => {
    const map = new Map();
    return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
  };

  test('a message is kept in storage before anything goes on the wire, and shows as pending', () => {
    const kept = storage();
    const client = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ana' }), storage: kept });

    const clientMsgId = client.send('ride-42', 'on my way', { kind: 'note' });

    assert.equal(client.pendingCount, 1);
    const [line] = client.timeline('ride-42');
    assert.deepEqual({ ...line, sentAt: undefined }, {
      conversation: 'ride-42', clientMsgId, sender: 'ana', body: 'on my way', metadata: { kind: 'note' },
      sentAt: undefined, mine: true, status: 'pending', failed: undefined, readBy: [],
    });
    const saved = JSON.parse(kept.map.get('rallypoint.outbox.ana'));
    assert.deepEqual(saved.map((e) => [e.clientMsgId, e.body]), [[clientMsgId, 'on my way']]);
  });

  test('a client started later (a reload) has the same outbox, with the same clientMsgIds, in order', () => {
    const kept = storage();
    const first = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ana' }), storage: kept });
    const ids = ['one', 'two', 'three'].map((body) => first.send('ride-42', body));

    const again = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ana' }), storage: kept });

    assert.deepEqual(again.timeline('ride-42').map((m) => [m.clientMsgId, m.body, m.status]),
      [[ids[0], 'one', 'pending'], [ids[1], 'two', 'pending'], [ids[2], 'three', 'pending']]);
    again.discard(ids[1]);
    assert.deepEqual(JSON.parse(kept.map.get('rallypoint.outbox.ana')).map((e) => e.body), ['one', 'three']);
  });

  test("another user's outbox is not this user's", () => {
    const kept = storage();
    new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ana' }), storage: kept }).send('ride-42', 'mine');

    const ben = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ben' }), storage: kept });

    assert.equal(ben.pendingCount, 0);
    assert.deepEqual(ben.timeline('ride-42'), []);
  });

  test('storage that refuses (a private mode) leaves an outbox in memory', () => {
    const refusing = { getItem: () => null, setItem: () => { throw new Error('QuotaExceededError'); }, removeItem: () => {} };
    const client = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token: unsigned({ sub: 'ana' }), storage: refusing });

    client.send('ride-42', 'still here');

    assert.deepEqual(client.timeline('ride-42').map((m) => m.body), ['still here']);
  });
});
