// A token that expires: once the gateway closes the connection with 4001, the client waits (state
// `expired`) instead of reconnecting with the dead token, and reconnects at once with a fresh one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { client, conversation, next, noGateway, token, user } from './support/gateway.mjs';

describe('token expiry', { skip: noGateway }, () => {
  test('an expired token makes the client wait for a fresh one instead of reconnecting', async (t) => {
    const ana = user('ana');
    const conv = await conversation(ana);
    const anaClient = client(t, ana, [conv], { token: token(ana, 3) }); // expires in 2 to 3 s (exp is whole seconds)
    const states = [];
    const errors = [];
    anaClient.addEventListener('state', ({ detail }) => states.push(detail.state));
    anaClient.addEventListener('error', ({ detail }) => errors.push(detail.code));

    const expired = next(anaClient, 'state', (d) => d.state === 'expired');
    anaClient.start();
    await expired;
    await new Promise((resolve) => setTimeout(resolve, 3_000)); // a reconnect loop would show meanwhile
    assert.deepEqual(states, ['connecting', 'open', 'expired']);

    const open = next(anaClient, 'state', (d) => d.state === 'open');
    anaClient.setToken(token(ana));
    await open;

    assert.deepEqual(states, ['connecting', 'open', 'expired', 'offline', 'connecting', 'open']);
    assert.deepEqual(errors, ['token_expired']);
  });
});
