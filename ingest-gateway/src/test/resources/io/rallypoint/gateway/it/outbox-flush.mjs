// Runs the demo page's client, rallypoint-client.js, in Node (whose WebSocket is the browser's API)
// against a real gateway: a phone that was offline comes back with `count` messages in its outbox.
// It watches the wire: a message sent again before its retryAfterMs had passed is `early`; one sent
// while an older message waited for its retry `overtook` it. Prints one JSON line: the seq each
// message was acked with (outbox order), how often the client connected, the rate_limited and
// unavailable errors it met, those wire checks, any other error, and the time it took.
//
//   node [--experimental-websocket] outbox-flush.mjs <ws url> <token> <conversation> <count> <timeout ms>
const [url, token, conversation, countArg, timeoutArg] = process.argv.slice(2);
const count = Number(countArg);

const indexOf = new Map(); // clientMsgId -> outbox position
const requestOf = new Map(); // send id -> clientMsgId
const waitingUntil = new Map(); // clientMsgId -> when its retry is allowed, while it waits for it
const wire = { sends: 0, early: 0, overtook: 0 };
const Socket = globalThis.WebSocket;
globalThis.WebSocket = class extends Socket {
  constructor(...args) {
    super(...args);
    this.addEventListener('message', (event) => {
      const frame = JSON.parse(event.data);
      const clientMsgId = requestOf.get(frame.id);
      if (frame.type === 'error' && clientMsgId && Number.isInteger(frame.retryAfterMs)) {
        waitingUntil.set(clientMsgId, Date.now() + frame.retryAfterMs);
      }
    });
  }

  send(data) {
    const frame = JSON.parse(data);
    if (frame.type === 'send') {
      wire.sends += 1;
      requestOf.set(frame.id, frame.clientMsgId);
      const until = waitingUntil.get(frame.clientMsgId);
      if (until !== undefined && Date.now() < until) wire.early += 1;
      waitingUntil.delete(frame.clientMsgId);
      const mine = indexOf.get(frame.clientMsgId);
      for (const other of waitingUntil.keys()) if (indexOf.get(other) < mine) { wire.overtook += 1; break; }
    }
    super.send(data);
  }
};
const { RallypointClient } = await import('./rallypoint-client.mjs');

const client = new RallypointClient({ url, token, conversations: [conversation] });
const clientMsgIds = [];
for (let i = 0; i < count; i++) { // offline: kept in the outbox
  const clientMsgId = client.send(conversation, `m${i}`);
  clientMsgIds.push(clientMsgId);
  indexOf.set(clientMsgId, i);
}

const seqs = new Map();
const states = [];
const otherErrors = [];
let rateLimited = 0;
let unavailable = 0;
client.addEventListener('state', ({ detail }) => states.push(detail.state));
client.addEventListener('ack', ({ detail }) => {
  seqs.set(detail.message.clientMsgId, detail.message.seq);
  if (seqs.size === count) finish(0);
});
client.addEventListener('error', ({ detail }) => {
  if (detail.code === 'rate_limited') rateLimited += 1;
  else if (detail.code === 'unavailable') unavailable += 1;
  else otherErrors.push(`${detail.code}: ${detail.message}`);
});

const started = Date.now();
client.start();
setTimeout(() => finish(1), Number(timeoutArg));

function finish(exitCode) {
  const pending = client.pendingCount;
  client.stop();
  console.log(JSON.stringify({
    seqs: clientMsgIds.map((id) => seqs.get(id) ?? null),
    connects: states.filter((s) => s === 'connecting').length,
    states,
    rateLimited,
    unavailable,
    ...wire,
    otherErrors,
    pending,
    elapsedMs: Date.now() - started,
  }));
  process.exit(exitCode);
}
