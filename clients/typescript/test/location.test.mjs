// Location sharing on a real gateway: with consent and a recording session a member's position
// reaches the others' live map; without consent it is refused.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { client, consent, conversation, next, noGateway, started, until, user } from './support/gateway.mjs';

describe('location', { skip: noGateway }, () => {
  test("a member's position, shared with consent while recording, shows on the other's map", async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    await consent(ben, true);
    const anaClient = await started(client(t, ana, [conv]), [conv]);
    const benClient = await started(client(t, ben, [conv]), [conv]);
    const session = randomUUID();
    assert.equal((await benClient.request({ type: 'session', session, state: 'started', at: new Date().toISOString() })).type, 'ok');

    const seen = next(anaClient, 'location');
    const at = new Date().toISOString();
    const reply = await benClient.request({ type: 'location', conversation: conv, session, lat: 48.8566, lng: 2.3522, at });

    assert.equal(reply.type, 'ok');
    assert.deepEqual(await seen, { conversation: conv, user: ben, lat: 48.8566, lng: 2.3522, at });
    assert.deepEqual(anaClient.locations(conv), [{ user: ben, lat: 48.8566, lng: 2.3522, at }]);
    await until(anaClient, () => anaClient.recording(conv).includes(ben), 'ana sees ben recording');
    assert.deepEqual(benClient.locations(conv), [], 'not sent back to the sender');
  });

  test('without consent the position is refused (consent_required)', async (t) => {
    const [ana, ben] = [user('ana'), user('ben')];
    const conv = await conversation(ana, ben);
    const benClient = await started(client(t, ben, [conv]), [conv]);
    const session = randomUUID();
    await benClient.request({ type: 'session', session, state: 'started', at: new Date().toISOString() });

    await assert.rejects(
      benClient.request({ type: 'location', conversation: conv, session, lat: 1, lng: 2, at: new Date().toISOString() }),
      (e) => e.code === 'consent_required',
    );
  });
});
