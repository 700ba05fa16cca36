// Runs rallypoint-client.js in Node against a real gateway with a token about to expire: once the
// gateway closes the connection with 4001, the client waits (state `expired`) instead of
// reconnecting with the dead token, and reconnects at once when given a fresh one. Prints one JSON
// line: the states it went through and the error codes it reported.
//
//   node [--experimental-websocket] token-expiry.mjs <ws url> <expiring token> <fresh token> <conversation>
const [url, expiring, fresh, conversation] = process.argv.slice(2);
const { RallypointClient } = await import('./rallypoint-client.mjs');

const client = new RallypointClient({ url, token: expiring, conversations: [conversation] });
const states = [];
const errors = [];
client.addEventListener('error', ({ detail }) => errors.push(detail.code));
client.addEventListener('state', ({ detail }) => {
  states.push(detail.state);
  if (detail.state === 'expired') {
    // a few seconds in which a reconnect loop would show; then the fresh token
    setTimeout(() => client.setToken(fresh), 3_000);
  } else if (detail.state === 'open' && states.includes('expired')) {
    finish(0);
  }
});
client.start();
setTimeout(() => finish(1), 30_000);

function finish(exitCode) {
  client.stop();
  console.log(JSON.stringify({ states, errors }));
  process.exit(exitCode);
}
