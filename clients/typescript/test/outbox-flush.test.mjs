// A phone that was offline comes back with 300 messages in its outbox, against a gateway with the
// default rate limit (20 frames a second, bursts of 40). The test watches the wire: a message sent
// again before its retryAfterMs had passed is `early`; one sent while an older message waited for
// its retry `overtook` it.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, conversation, next, noGateway, tapped, user } from './support/gateway.mjs';

const OUTBOX = 300;

describe('outbox', { skip: noGateway }, () => {
  test('an offline outbox of 300 drains, each message sent again only at its turn and never ahead of an older one, without a reconnect', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const indexOf = new Map(); // clientMsgId -> outbox position
    const requestOf = new Map(); // send id -> clientMsgId
    const waitingUntil = new Map(); // clientMsgId -> when its retry is allowed, while it waits for it
    const wire = { sends: 0, early: 0, overtook: 0 };
    const Watched = tapped(globalThis.WebSocket, {
      sent: (frame) => {
        if (frame.type !== 'send') return;
        wire.sends += 1;
        requestOf.set(frame.id, frame.clientMsgId);
        const until = waitingUntil.get(frame.clientMsgId);
        if (until !== undefined && Date.now() < until) wire.early += 1;
        waitingUntil.delete(frame.clientMsgId);
        const mine = indexOf.get(frame.clientMsgId);
        for (const other of waitingUntil.keys()) if (indexOf.get(other) < mine) { wire.overtook += 1; break; }
      },
      received: (frame) => {
        const clientMsgId = requestOf.get(frame.id);
        if (frame.type === 'error' && clientMsgId && Number.isInteger(frame.retryAfterMs)) {
          waitingUntil.set(clientMsgId, Date.now() + frame.retryAfterMs);
        }
      },
    });
    const anaClient = client(t, ana, [conv], { WebSocket: Watched });
    const clientMsgIds = [];
    for (let i = 0; i < OUTBOX; i++) { // offline: kept in the outbox
      const clientMsgId = anaClient.send(conv, `m${i}`);
      clientMsgIds.push(clientMsgId);
      indexOf.set(clientMsgId, i);
    }
    const seqs = new Map();
    const states = [];
    const errors = { rate_limited: 0, unavailable: 0, other: [] };
    anaClient.addEventListener('state', ({ detail }) => states.push(detail.state));
    anaClient.addEventListener('ack', ({ detail }) => seqs.set(detail.message.clientMsgId, detail.message.seq));
    anaClient.addEventListener('error', ({ detail }) => {
      if (detail.code in errors && detail.code !== 'other') errors[detail.code] += 1;
      else errors.other.push(`${detail.code}: ${detail.message}`);
    });

    const startedAt = Date.now();
    const drained = next(anaClient, 'ack', () => seqs.size === OUTBOX, 120_000);
    anaClient.start();
    await drained;
    const elapsedMs = Date.now() - startedAt;

    // every message was acked, once, under its own seq
    const acked = clientMsgIds.map((id) => seqs.get(id));
    assert.equal(acked.filter((seq) => seq === undefined).length, 0);
    assert.equal(new Set(acked).size, OUTBOX);
    assert.equal(anaClient.pendingCount, 0);
    // the gateway refused what the burst did not cover, each message once: the client sent each
    // again only once its retryAfterMs had passed, and never while an older one waited; it never
    // reconnected
    assert.deepEqual(errors.other, []);
    assert.ok(errors.rate_limited >= OUTBOX - 80 && errors.rate_limited <= OUTBOX - 40, `${errors.rate_limited} refused`);
    assert.equal(wire.sends, OUTBOX + errors.rate_limited + errors.unavailable);
    assert.equal(wire.early, 0, 'sent again before its retryAfterMs');
    assert.equal(wire.overtook, 0, 'sent while an older message waited');
    assert.equal(states.filter((s) => s === 'connecting').length, 1, states.join(' '));
    assert.ok(elapsedMs > (OUTBOX - 80) * 50, `${elapsedMs} ms`);

    // and the conversation holds each of them once
    const benClient = client(t, ben, [conv]);
    const open = next(benClient, 'state', (d) => d.state === 'open');
    benClient.start();
    await open;
    const stored = [];
    const deadline = Date.now() + 60_000;
    for (let afterSeq = 0, more = true; more;) {
      assert.ok(Date.now() < deadline, `the sync stopped at seq ${afterSeq}`);
      const page = await benClient.request({ type: 'sync', conversation: conv, afterSeq, limit: 100 });
      stored.push(...page.messages);
      afterSeq = page.lastSeq;
      more = page.hasMore;
      // an empty page with hasMore: the next message is acked but not in the database yet
      if (more && page.messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.equal(stored.length, OUTBOX);
    assert.deepEqual(new Map(stored.map((m) => [m.clientMsgId, m.seq])), seqs, 'each under the seq it was acked with');
  });
});
