// What the gateway tests share: the gateway they run against (RALLYPOINT_GATEWAY_URL, its HTTP
// base, e.g. http://127.0.0.1:8080, and CHAT_JWT_SECRET, the secret its tokens are signed with),
// tokens, conversations made through the admin API, and ways to wait for what a client shows.
// Without both variables the gateway tests are skipped (the unit tests still run).
import { createHmac, randomUUID } from 'node:crypto';
import { RallypointClient } from '../../dist/rallypoint-client.js';

const gatewayUrl = process.env.RALLYPOINT_GATEWAY_URL;
const secret = process.env.CHAT_JWT_SECRET;

/** The reason to skip a gateway test, or false when there is a gateway. */
export const noGateway = gatewayUrl && secret ? false
  : 'no gateway: set RALLYPOINT_GATEWAY_URL (e.g. http://127.0.0.1:8080) and CHAT_JWT_SECRET';

/** The gateway's WebSocket URL. */
export const wsUrl = gatewayUrl ? new URL('/ws', gatewayUrl).toString().replace(/^http/, 'ws') : null;

const base64url = (value) => Buffer.from(value).toString('base64url');

/** An HS256 JWT with these claims, as the app's backend signs them. */
export function jwt(claims) {
  const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  return `${unsigned}.${createHmac('sha256', secret).update(unsigned).digest('base64url')}`;
}

/** A client token of the user, valid for ttlSeconds. */
export function token(user, ttlSeconds = 3_600) {
  return jwt({ sub: user, exp: Math.floor(Date.now() / 1_000) + ttlSeconds });
}

/** A user id no other test uses. */
export function user(name) {
  return `${name}-${randomUUID().slice(0, 8)}`;
}

async function admin(method, path, body) {
  const reply = await fetch(new URL(path, gatewayUrl), {
    method,
    headers: {
      authorization: `Bearer ${jwt({ sub: 'sdk-tests', role: 'admin', exp: Math.floor(Date.now() / 1_000) + 300 })}`,
      'content-type': 'application/json',
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!reply.ok) throw new Error(`${method} ${path}: HTTP ${reply.status} ${await reply.text()}`);
}

/** A new conversation with these members (admin API, PROTOCOL section 5). */
export async function conversation(...members) {
  const id = `conv-${randomUUID()}`;
  await admin('PUT', `/admin/conversations/${id}`, {});
  for (const member of members) await admin('PUT', `/admin/conversations/${id}/members/${encodeURIComponent(member)}`, {});
  return id;
}

/** Sets the user's consent to share their location. */
export function consent(user, enabled) {
  return admin('PUT', `/admin/users/${encodeURIComponent(user)}/preferences`, { locationSharingEnabled: enabled });
}

/** A client of the user on the gateway (the global WebSocket unless options say otherwise), stopped after the test. */
export function client(t, user, conversations, options = {}) {
  const c = new RallypointClient({ url: wsUrl, token: token(user), conversations, ...options });
  t.after(() => c.stop());
  return c;
}

/** Starts the client and resolves once each of its conversations has synced. */
export async function started(c, conversations) {
  const synced = Promise.all(conversations.map((conv) => next(c, 'synced', (d) => d.conversation === conv)));
  c.start();
  await synced;
  return c;
}

/** The detail of the client's next event of that type that matches, or a rejection after timeoutMs. */
export function next(c, type, matches = () => true, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      c.removeEventListener(type, listener);
      reject(new Error(`no ${type} event in ${timeoutMs} ms`));
    }, timeoutMs);
    const listener = ({ detail }) => {
      if (!matches(detail)) return;
      clearTimeout(timer);
      c.removeEventListener(type, listener);
      resolve(detail);
    };
    c.addEventListener(type, listener);
  });
}

/** Resolves once condition() holds, checked now and on each change the client reports. */
export function until(c, condition, what, timeoutMs = 15_000) {
  if (condition()) return Promise.resolve();
  return next(c, 'change', () => condition(), timeoutMs).catch(() => {
    throw new Error(`not within ${timeoutMs} ms: ${what}`);
  });
}

/**
 * A WebSocket class that shows the test every frame going out (`sent`) and coming in (`received`);
 * `received` returning false keeps that frame from the client, as a network losing it would.
 */
export function tapped(Socket, { sent = () => {}, received = () => true }) {
  return class TappedWebSocket extends Socket {
    send(data) {
      sent(JSON.parse(data), this);
      super.send(data);
    }

    get onmessage() {
      return super.onmessage;
    }

    set onmessage(handler) {
      super.onmessage = handler && ((event) => {
        if (received(JSON.parse(String(event.data)), this) !== false) handler(event);
      });
    }
  };
}
