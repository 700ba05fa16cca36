// Chat against a real gateway: send, ack and delivery; the outbox sent again after a lost ack with
// the same clientMsgId; sync by afterSeq after an offline spell; read receipts.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { WebSocket as WsPackageSocket } from 'ws';
import { client, conversation, next, noGateway, started, tapped, until, user } from './support/gateway.mjs';

describe('chat', { skip: noGateway }, () => {
  test('a message is acked to its sender and delivered to the other member (who uses the ws package)', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const anaClient = await started(client(t, ana, [conv]), [conv]);
    const benClient = await started(client(t, ben, [conv], { WebSocket: WsPackageSocket }), [conv]);

    const acked = next(anaClient, 'ack');
    const delivered = next(benClient, 'message');
    const clientMsgId = anaClient.send(conv, 'on my way', { kind: 'note' });

    const { message: mine } = await acked;
    const { message: theirs } = await delivered;
    assert.equal(mine.clientMsgId, clientMsgId);
    assert.equal(mine.seq, 1);
    assert.deepEqual(theirs, { ...mine, metadata: { kind: 'note' } });
    assert.deepEqual(anaClient.timeline(conv).map((m) => [m.body, m.status, m.seq]), [['on my way', 'sent', 1]]);
    assert.equal(anaClient.pendingCount, 0);
    assert.deepEqual(benClient.timeline(conv).map((m) => [m.sender, m.body, m.mine]), [[ana, 'on my way', false]]);
  });

  test('a message whose ack was lost with the connection is sent again with the same clientMsgId, and kept once', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const sends = [];
    const lostAcks = [];
    // the network: ana's first ack is lost, and her connection with it
    const Flaky = tapped(globalThis.WebSocket, {
      sent: (frame) => { if (frame.type === 'send') sends.push(frame.clientMsgId); },
      received: (frame, socket) => {
        if (frame.type !== 'ack' || lostAcks.length > 0) return true;
        lostAcks.push(frame);
        socket.close();
        return false;
      },
    });
    const anaClient = await started(client(t, ana, [conv], { WebSocket: Flaky }), [conv]);
    const benClient = await started(client(t, ben, [conv]), [conv]);
    const delivered = [];
    benClient.addEventListener('message', ({ detail }) => delivered.push(detail.message));

    const clientMsgId = anaClient.send(conv, 'only once');
    // the resend's ack, or the reconnect's sync (whichever comes first), tells the client it is kept
    const sent = () => anaClient.timeline(conv).find((m) => m.clientMsgId === clientMsgId && m.status === 'sent');
    await until(anaClient, sent, 'ana sees her message sent');

    assert.deepEqual(sends, [clientMsgId, clientMsgId]);
    assert.equal(lostAcks.length, 1);
    assert.equal(sent().messageId, lostAcks[0].messageId, 'the same message as the first attempt');
    assert.equal(sent().seq, lostAcks[0].seq);
    assert.deepEqual(anaClient.timeline(conv).map((m) => [m.body, m.status]), [['only once', 'sent']]);
    await until(benClient, () => delivered.length > 0, 'ben got the message');
    const later = benClient.send(conv, 'got it');
    await until(anaClient, () => anaClient.timeline(conv).some((m) => m.clientMsgId === later), 'ana got the reply');
    assert.deepEqual(delivered.map((m) => m.body), ['only once'], 'broadcast once');
    const page = await benClient.request({ type: 'sync', conversation: conv, afterSeq: 0 });
    assert.deepEqual(page.messages.map((m) => [m.seq, m.body]), [[1, 'only once'], [2, 'got it']], 'stored once');
  });

  test('after an offline spell the client syncs from its cursor (afterSeq) and misses nothing', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const syncs = [];
    const Watched = tapped(globalThis.WebSocket, { sent: (frame) => { if (frame.type === 'sync') syncs.push(frame); } });
    const anaClient = await started(client(t, ana, [conv], { WebSocket: Watched }), [conv]);
    const benClient = await started(client(t, ben, [conv]), [conv]);
    const acked = next(anaClient, 'ack');
    anaClient.send(conv, 'before');
    await acked;

    anaClient.setOnline(false);
    for (const body of ['while', 'you', 'were away']) {
      const ack = next(benClient, 'ack');
      benClient.send(conv, body);
      await ack;
    }
    const synced = next(anaClient, 'synced');
    anaClient.setOnline(true);
    await synced;

    assert.equal(syncs.length, 2);
    assert.equal(syncs[0].afterSeq, undefined, 'the first sync asks for the latest page');
    assert.equal(syncs[1].afterSeq, 1, 'the one after the reconnect asks from the cursor');
    assert.deepEqual(anaClient.timeline(conv).map((m) => [m.seq, m.body]),
      [[1, 'before'], [2, 'while'], [3, 'you'], [4, 'were away']]);
  });

  test("a member's read receipt ticks the sender's message as read", async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const anaClient = await started(client(t, ana, [conv]), [conv]);
    const benClient = await started(client(t, ben, [conv]), [conv]);
    const delivered = next(benClient, 'message');
    anaClient.send(conv, 'read me');
    const { message } = await delivered;

    const receipt = next(anaClient, 'receipt');
    benClient.read(conv, message.seq);

    assert.deepEqual(await receipt, { conversation: conv, user: ben, seq: message.seq });
    // ben may read it before ana's ack arrives (the gateway broadcasts first, acks once Kafka has it)
    await until(anaClient, () => anaClient.pendingCount === 0, 'ana has her ack');
    assert.deepEqual(anaClient.timeline(conv).map((m) => [m.body, m.status, m.readBy]), [['read me', 'read', [ben]]]);
  });
});
