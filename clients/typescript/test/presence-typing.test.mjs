// Presence and typing between two clients on a real gateway.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, conversation, next, noGateway, started, until, user } from './support/gateway.mjs';

describe('presence and typing', { skip: noGateway }, () => {
  test('each sees the other online, and offline once they stop', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const anaClient = await started(client(t, ana, [conv]), [conv]);
    await until(anaClient, () => anaClient.online(conv).includes(ana), 'ana sees herself online');
    assert.deepEqual(anaClient.online(conv), [ana]);

    const benClient = await started(client(t, ben, [conv]), [conv]);

    await until(anaClient, () => anaClient.online(conv).includes(ben), 'ana sees ben online');
    await until(benClient, () => benClient.online(conv).length === 2, 'ben sees both online');
    assert.deepEqual(benClient.online(conv), [ana, ben].sort());
    benClient.stop();
    await until(anaClient, () => !anaClient.online(conv).includes(ben), 'ana sees ben offline');
  });

  test('typing shows from the first keystroke until stopped, and ends when the typist sends', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const anaClient = await started(client(t, ana, [conv]), [conv]);
    const benClient = await started(client(t, ben, [conv]), [conv]);

    const startedTyping = next(anaClient, 'typing');
    benClient.typing(conv);
    benClient.typing(conv);
    assert.deepEqual(await startedTyping, { conversation: conv, user: ben, state: 'started' });
    assert.deepEqual(anaClient.typists(conv), [ben]);

    const stoppedTyping = next(anaClient, 'typing');
    benClient.stopTyping(conv);
    assert.deepEqual(await stoppedTyping, { conversation: conv, user: ben, state: 'stopped' });
    assert.deepEqual(anaClient.typists(conv), []);

    const again = next(anaClient, 'typing', (d) => d.state === 'started');
    benClient.typing(conv);
    await again;
    const done = next(anaClient, 'typing', (d) => d.state === 'stopped');
    benClient.send(conv, 'typed it');
    await done;
    await until(anaClient, () => anaClient.timeline(conv).some((m) => m.body === 'typed it'), 'ana got the message');
    assert.deepEqual(anaClient.typists(conv), []);
  });
});
