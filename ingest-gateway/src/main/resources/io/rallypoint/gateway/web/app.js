// The demo page: a demo-user picker (on a development gateway), chat with read ticks, who is online,
// typing or recording, location sharing, a recording session, simulated walking and a map of the
// members sharing their position, the meeting point and the fair point. All protocol logic lives in rallypoint-client.js;
// this file only renders and wires buttons. No external assets: it works offline.
import { RallypointClient, userOfToken, uuid } from './rallypoint-client.js';

const $ = (id) => document.getElementById(id);
const CENTER = { lat: 48.8566, lng: 2.3522 }; // where demo users start, spread over ~1 km
const WALK_SPEED_MPS = 2;
const M_PER_DEG_LAT = 110_574;

const saved = {
  get(key) {
    try { return localStorage.getItem(`rallypoint.demo.${key}`); } catch { return null; }
  },
  set(key, value) {
    try {
      if (value === null || value === undefined) localStorage.removeItem(`rallypoint.demo.${key}`);
      else localStorage.setItem(`rallypoint.demo.${key}`, value);
    } catch { /* storage refused: the page still works for this visit */ }
  },
};

let client = null;
let conversation = null;
let me = null;
let token = null;
let position = null;
const trail = [];
let walkTimer = null;
let projection = null;
let renderQueued = false;
let demoUsers = null; // {conversation, users: [{user, token}]} when the gateway offers demo users

// ---- login ------------------------------------------------------------------------------------

function init() {
  const params = new URLSearchParams(location.search);
  $('token').value = params.get('token') ?? saved.get('token') ?? '';
  $('conversation').value = params.get('conversation') ?? saved.get('conversation') ?? 'demo';
  $('login').addEventListener('submit', (e) => {
    e.preventDefault();
    connect($('token').value.trim(), $('conversation').value.trim());
  });
  $('use-token').addEventListener('click', () => {
    $('picker').hidden = true;
    $('login').hidden = false;
  });
  if ($('token').value && (params.has('token') || saved.get('token'))) {
    connect($('token').value.trim(), $('conversation').value.trim());
  } else {
    offerDemoUsers();
  }
}

/** The demo users of a development gateway (GET /demo/users), or null where it has none (404: the token form). */
async function fetchDemoUsers() {
  try {
    const reply = await fetch(new URL('demo/users', location.href), { cache: 'no-store' });
    if (!reply.ok) return null;
    const body = await reply.json();
    return Array.isArray(body.users) && body.users.length ? body : null;
  } catch {
    return null;
  }
}

/** Shows the picker when the gateway offers demo users, else the token form. */
async function offerDemoUsers() {
  demoUsers = await fetchDemoUsers();
  if (!demoUsers) {
    $('login').hidden = false;
    return;
  }
  $('picker-conversation').textContent = demoUsers.conversation;
  $('demo-users').replaceChildren(...demoUsers.users.map(({ user, token: userToken }) => {
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.user = user;
    button.textContent = user;
    button.addEventListener('click', () => {
      saved.set('picked', 'true');
      connect(userToken, demoUsers.conversation);
    });
    li.append(button);
    return li;
  }));
  $('picker').hidden = false;
}

/** A picked demo user's token expired: a fresh one from the picker's list, else sign in again. */
async function renewPickedToken() {
  const fresh = (await fetchDemoUsers())?.users.find((u) => u.user === me);
  if (!fresh) return;
  token = fresh.token;
  saved.set('token', token);
  client.setToken(token);
}

async function connect(newToken, newConversation) {
  const user = userOfToken(newToken);
  if (!user || !newConversation) {
    showLoginError('That is not a JWT with a user id (sub).');
    return;
  }
  // Ask the gateway whether it accepts the token (a refused WebSocket says nothing in a browser).
  let sharing = null;
  try {
    const reply = await fetch(new URL('api/preferences/location-sharing', location.href), {
      headers: { Authorization: `Bearer ${newToken}` },
    });
    if (reply.status === 401) {
      saved.set('token', null);
      showLoginError('The gateway refused this token (wrong secret or expired).');
      offerDemoUsers(); // a development gateway still has its demo users to pick from
      return;
    }
    if (reply.ok) sharing = (await reply.json()).enabled;
  } catch { /* offline: start anyway, the outbox works without a connection */ }

  token = newToken;
  conversation = newConversation;
  me = user;
  saved.set('token', token);
  saved.set('conversation', conversation);
  $('login').hidden = true;
  $('picker').hidden = true;
  $('app').hidden = false;
  $('whoami').textContent = `signed in as ${me}`;
  $('conversation-name').textContent = conversation;
  $('share-location').checked = sharing === true;
  position = JSON.parse(saved.get(`position.${me}`) ?? 'null') ?? startingPoint(me);
  trail.length = 0;
  trail.push({ ...position });

  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  url.search = '';
  url.hash = '';
  client = new RallypointClient({ url: url.toString(), token, conversations: [conversation] });
  client.addEventListener('change', scheduleRender);
  client.addEventListener('meetingPoint', scheduleRender);
  client.addEventListener('state', ({ detail }) => {
    if (detail.state === 'open') {
      client.request({ type: 'meetingPoint', conversation }).catch(() => { /* not_found: none yet */ });
    }
    if (detail.state === 'expired' && saved.get('picked') === 'true') renewPickedToken();
  });
  client.addEventListener('error', ({ detail }) => log(`${detail.code}: ${detail.message}`));
  window.rallypoint = { client, conversation, user: me }; // for the console and for browser tests
  client.start();
  renderSession();
  scheduleRender();
}

function showLoginError(text) {
  $('login-error').textContent = text;
  $('login-error').hidden = false;
  if ($('picker').hidden) $('login').hidden = false;
}

// ---- chat -------------------------------------------------------------------------------------

$('composer').addEventListener('submit', (e) => {
  e.preventDefault();
  const body = $('compose').value;
  if (!body.trim()) return;
  client.send(conversation, body); // also tells the others the typing stopped
  $('compose').value = '';
});

// Typing: every keystroke keeps "typing…" alive for the others; an emptied field or leaving it stops it.
$('compose').addEventListener('input', () => {
  if ($('compose').value.trim()) client.typing(conversation);
  else client.stopTyping(conversation);
});
$('compose').addEventListener('blur', () => client?.stopTyping(conversation));

$('online').addEventListener('change', () => client.setOnline($('online').checked));

$('logout').addEventListener('click', () => {
  stopWalking();
  client?.stop();
  saved.set('token', null);
  saved.set('picked', null);
  location.href = location.pathname;
});

document.addEventListener('visibilitychange', scheduleRender);

function scheduleRender() {
  if (renderQueued) return;
  renderQueued = true;
  setTimeout(() => {
    renderQueued = false;
    render();
  }, 0);
}

function render() {
  if (!client) return;
  const status = $('status');
  status.dataset.state = client.state;
  status.textContent = { open: 'online', connecting: 'connecting…', offline: 'offline: reconnecting',
    expired: 'token expired: sign in again', stopped: 'stopped' }[client.state];
  if (client.state === 'offline' && !$('online').checked) status.textContent = 'offline';

  const items = client.timeline(conversation);
  const list = $('messages');
  const atBottom = list.scrollTop + list.clientHeight >= list.scrollHeight - 30;
  list.replaceChildren(...items.map(messageElement));
  if (atBottom) list.scrollTop = list.scrollHeight;

  const pending = items.filter((m) => m.status === 'pending').length;
  $('pending-count').dataset.count = String(pending);
  $('pending-count').textContent = pending ? `${pending} waiting to be sent` : '';

  // Everything on screen is read once the page is visible.
  const lastSeq = items.reduce((max, m) => (m.seq > max ? m.seq : max), 0);
  if (lastSeq > 0 && document.visibilityState === 'visible') client.read(conversation, lastSeq);

  renderMembers(items);
  drawPlot(items);
}

/** Everyone the page knows of in the conversation: the demo users, whoever was online, wrote, typed or shared. */
function knownMembers(items) {
  const users = new Set([me]);
  for (const u of demoUsers?.conversation === conversation ? demoUsers.users : []) users.add(u.user);
  for (const u of [...client.online(conversation), ...client.recording(conversation), ...client.typists(conversation)]) {
    users.add(u);
  }
  for (const p of client.locations(conversation)) users.add(p.user);
  for (const m of items) users.add(m.sender);
  const point = client.meetingPoint(conversation);
  for (const u of point?.members ?? []) users.add(u);
  for (const x of point?.excluded ?? []) users.add(x.user);
  return [...users].sort();
}

function renderMembers(items) {
  const online = new Set(client.online(conversation));
  const typing = new Set(client.typists(conversation));
  const recording = new Set(client.recording(conversation));
  if (client.state === 'open') online.add(me);
  if (currentSession()) recording.add(me);
  $('members').replaceChildren(...knownMembers(items).map((user) => {
    const li = document.createElement('li');
    li.dataset.user = user;
    li.dataset.online = String(online.has(user));
    li.dataset.typing = String(typing.has(user));
    li.dataset.recording = String(recording.has(user));
    const dot = document.createElement('span');
    dot.className = 'presence';
    dot.title = online.has(user) ? 'online' : 'offline';
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = user === me ? `${user} (me)` : user;
    li.append(dot, name);
    if (typing.has(user)) {
      const t = document.createElement('span');
      t.className = 'typing';
      t.textContent = 'typing…';
      li.append(t);
    }
    if (recording.has(user)) {
      const r = document.createElement('span');
      r.className = 'recording';
      r.textContent = 'recording';
      li.append(r);
    }
    return li;
  }));
  const typists = [...typing];
  $('typing-line').textContent = typists.length === 0 ? ''
    : `${typists.join(', ')} ${typists.length === 1 ? 'is' : 'are'} typing…`;
}

function messageElement(m) {
  const li = document.createElement('li');
  li.className = `msg ${m.mine ? 'mine' : 'theirs'}`;
  li.dataset.status = m.status;
  li.dataset.sender = m.sender;
  li.dataset.clientMsgId = m.clientMsgId ?? '';
  if (m.seq !== undefined) li.dataset.seq = String(m.seq);

  const sender = document.createElement('span');
  sender.className = 'sender';
  sender.textContent = m.mine ? 'me' : m.sender;
  const body = document.createElement('span');
  body.className = 'body';
  body.textContent = m.body;
  if (isPin(m)) body.textContent += ` 📍 ${m.metadata.lat.toFixed(5)}, ${m.metadata.lng.toFixed(5)}`;
  const meta = document.createElement('span');
  meta.className = 'meta';
  meta.textContent = m.sentAt ? new Date(m.sentAt).toLocaleTimeString() : '';
  li.append(sender, body, meta);

  if (m.mine) {
    const tick = document.createElement('span');
    tick.className = `tick ${m.status}`;
    tick.textContent = { pending: ' 🕓', sent: ' ✓', read: ' ✓✓', failed: ' ⚠' }[m.status];
    tick.title = m.status === 'read' ? `read by ${m.readBy.join(', ')}` : m.status;
    meta.append(tick);
    if (m.status === 'failed') {
      const why = document.createElement('span');
      why.className = 'error';
      why.textContent = ` ${m.failed.code}`;
      const discard = document.createElement('button');
      discard.type = 'button';
      discard.textContent = 'discard';
      discard.addEventListener('click', () => client.discard(m.clientMsgId));
      li.append(why, discard);
    }
  }
  return li;
}

function isPin(m) {
  return m.metadata && ['location', 'meetup'].includes(m.metadata.kind)
    && Number.isFinite(m.metadata.lat) && Number.isFinite(m.metadata.lng);
}

// ---- location: consent, recording session, walking --------------------------------------------

$('share-location').addEventListener('change', async () => {
  const box = $('share-location');
  const wanted = box.checked;
  box.disabled = true;
  try {
    const reply = await fetch(new URL('api/preferences/location-sharing', location.href), {
      method: 'PUT',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ enabled: wanted }),
    });
    if (!reply.ok) throw new Error(`HTTP ${reply.status}`);
    box.checked = (await reply.json()).enabled;
    locationLog(wanted ? 'Sharing on (other gateway nodes follow within 10 s).' : 'Sharing off.');
  } catch (e) {
    box.checked = !wanted;
    locationLog(`Could not change sharing: ${e.message}`);
  } finally {
    box.disabled = false;
  }
});

function currentSession() {
  return saved.get(`session.${me}`);
}

function renderSession() {
  const active = currentSession() !== null;
  $('session-toggle').textContent = active ? 'End recording' : 'Start recording';
  $('session-toggle').setAttribute('aria-pressed', String(active));
  $('walk-toggle').textContent = walkTimer ? 'Stop walking' : 'Start walking';
  $('walk-toggle').setAttribute('aria-pressed', String(walkTimer !== null));
}

async function startSession() {
  const session = uuid();
  await client.request({ type: 'session', session, state: 'started', at: new Date().toISOString() });
  saved.set(`session.${me}`, session);
  locationLog('Recording started.');
  renderSession();
  client.refreshPresence(conversation);
}

async function endSession() {
  const session = currentSession();
  stopWalking();
  saved.set(`session.${me}`, null);
  renderSession();
  if (session) {
    await client.request({ type: 'session', session, state: 'ended', at: new Date().toISOString() });
    locationLog('Recording ended: you no longer count for the meeting point.');
    client.refreshPresence(conversation);
  }
}

$('session-toggle').addEventListener('click', () => {
  (currentSession() ? endSession() : startSession()).catch((e) => locationLog(`Session: ${e.code ?? ''} ${e.message}`));
});

$('walk-toggle').addEventListener('click', async () => {
  if (walkTimer) {
    stopWalking();
    return;
  }
  try {
    if (!currentSession()) await startSession();
  } catch (e) {
    locationLog(`Session: ${e.code ?? ''} ${e.message}`);
    return;
  }
  walkTimer = setInterval(() => {
    step();
    sendLocation();
  }, 1_000);
  sendLocation();
  renderSession();
});

$('pin').addEventListener('click', () => {
  client.send(conversation, 'I am here', { kind: 'location', lat: round(position.lat), lng: round(position.lng) });
});

$('plot').addEventListener('click', (e) => {
  if (!projection) return;
  const svg = $('plot');
  const box = svg.getBoundingClientRect();
  const x = ((e.clientX - box.left) / box.width) * 400;
  const y = ((e.clientY - box.top) / box.height) * 400;
  moveTo(projection.invert(x, y));
  sendLocation();
});

function stopWalking() {
  clearInterval(walkTimer);
  walkTimer = null;
  renderSession();
}

function sendLocation() {
  const session = currentSession();
  if (!session || client.state !== 'open') return;
  client.request({
    type: 'location', conversation, session, lat: round(position.lat), lng: round(position.lng),
    at: new Date().toISOString(),
  }).then(
    () => locationLog(`Shared ${position.lat.toFixed(5)}, ${position.lng.toFixed(5)}`),
    (e) => {
      if (e.code === 'consent_required') locationLog('Turn on "share my location" first (takes effect within 10 s).');
      else if (e.code === 'session_inactive') {
        saved.set(`session.${me}`, null);
        stopWalking();
        locationLog('The recording session is not active any more: start a new one.');
      } else if (e.code !== 'offline') locationLog(`Location: ${e.code} ${e.message}`);
    },
  );
}

/** One second of walking: towards the meeting point when there is one, else wandering. */
function step() {
  const point = client.meetingPoint(conversation);
  let heading = position.heading ?? Math.random() * 2 * Math.PI;
  if (point && Number.isFinite(point.lat) && distanceMeters(position, point) > 25) {
    const north = (point.lat - position.lat) * M_PER_DEG_LAT;
    const east = (point.lng - position.lng) * metersPerDegLng(position.lat);
    heading = Math.atan2(east, north) + (Math.random() - 0.5) * 0.6;
  } else {
    heading += (Math.random() - 0.5) * 0.8;
  }
  moveTo({
    lat: position.lat + (Math.cos(heading) * WALK_SPEED_MPS) / M_PER_DEG_LAT,
    lng: position.lng + (Math.sin(heading) * WALK_SPEED_MPS) / metersPerDegLng(position.lat),
    heading,
  });
}

function moveTo(p) {
  position = { lat: p.lat, lng: p.lng, heading: p.heading ?? position.heading };
  trail.push({ lat: p.lat, lng: p.lng });
  if (trail.length > 300) trail.shift();
  saved.set(`position.${me}`, JSON.stringify(position));
  scheduleRender();
}

/** A stable start per user, up to ~500 m from the centre, so two demo users start apart. */
function startingPoint(user) {
  let h = 2166136261;
  for (const c of user) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
  const angle = ((h % 360) * Math.PI) / 180;
  const meters = 200 + ((h >>> 9) % 300);
  return {
    lat: CENTER.lat + (Math.cos(angle) * meters) / M_PER_DEG_LAT,
    lng: CENTER.lng + (Math.sin(angle) * meters) / metersPerDegLng(CENTER.lat),
  };
}

// ---- plot -------------------------------------------------------------------------------------

const SVG = 'http://www.w3.org/2000/svg';

function drawPlot(items) {
  const svg = $('plot');
  const point = client.meetingPoint(conversation);
  const pins = new Map(); // latest pin per other member
  for (const m of items) if (!m.mine && isPin(m)) pins.set(m.sender, m.metadata);
  const live = client.locations(conversation).filter((p) => p.user !== me); // members sharing now
  for (const p of live) pins.delete(p.user); // a live position replaces an older pin
  const expired = new Set((point?.excluded ?? []).filter((x) => x.reason === 'expired').map((x) => x.user));

  const hasMidpoint = point && Number.isFinite(point.lat) && Number.isFinite(point.lng);
  const fair = point?.fairPoint && Number.isFinite(point.fairPoint.lat) ? point.fairPoint : null;
  const all = [position, ...trail, ...pins.values(), ...live];
  if (hasMidpoint) all.push(point);
  if (fair) all.push(fair);
  projection = fit(all);

  const shapes = [];
  const grid = niceStep(projection.spanMeters / 5);
  for (let m = -Math.ceil(projection.spanMeters / grid) * grid; m <= projection.spanMeters; m += grid) {
    const v = 200 + m * projection.scale;
    if (v > 0 && v < 400) {
      shapes.push(el('line', { class: 'grid', x1: v, y1: 0, x2: v, y2: 400 }));
      shapes.push(el('line', { class: 'grid', x1: 0, y1: v, x2: 400, y2: v }));
    }
  }
  shapes.push(el('text', { x: 6, y: 394 }, `grid ${grid >= 1000 ? `${grid / 1000} km` : `${grid} m`}`));
  if (trail.length > 1) {
    shapes.push(el('polyline', { class: 'trail', points: trail.map((p) => projection.xy(p).join(',')).join(' ') }));
  }
  for (const [user, pin] of pins) {
    const [x, y] = projection.xy(pin);
    shapes.push(el('circle', { class: 'pin', 'data-user': user, cx: x, cy: y, r: 5 }));
    shapes.push(el('text', { x: x + 8, y: y + 4 }, `${user} (pin)`));
  }
  for (const p of live) {
    const [x, y] = projection.xy(p);
    // a member whose session ended stays where they were last seen, faded
    const dot = el('circle', { class: expired.has(p.user) ? 'member stale' : 'member', 'data-user': p.user, cx: x, cy: y, r: 6 });
    dot.append(el('title', {}, `${p.user} at ${new Date(p.at).toLocaleTimeString()}`));
    shapes.push(dot, el('text', { class: 'member-label', 'data-user': p.user, x: x + 8, y: y + 4 }, p.user));
  }
  if (fair) {
    const [x, y] = projection.xy(fair);
    shapes.push(el('rect', { id: 'fairpoint', class: 'fair', x: x - 6, y: y - 6, width: 12, height: 12 }));
    shapes.push(el('text', { x: x + 9, y: y + 14 }, 'fair point'));
  }
  if (hasMidpoint) {
    const [x, y] = projection.xy(point);
    shapes.push(el('polygon', { id: 'midpoint', class: 'midpoint', points: `${x},${y - 9} ${x + 8},${y + 6} ${x - 8},${y + 6}` }));
    shapes.push(el('text', { x: x + 10, y: y - 4 }, 'meeting point'));
  }
  const [mx, my] = projection.xy(position);
  shapes.push(el('circle', { id: 'me', class: 'me', cx: mx, cy: my, r: 7 }));
  shapes.push(el('text', { x: mx + 9, y: my - 6 }, 'me'));
  svg.replaceChildren(...shapes);

  const info = $('meeting-info');
  info.dataset.members = String(point?.members?.length ?? 0);
  if (!point) {
    info.textContent = 'No meeting point yet: share your location during a recording session.';
  } else if (!hasMidpoint) {
    info.textContent = 'No one is counted right now.';
  } else {
    const left = (point.excluded ?? []).map((x) => `${x.user} (${x.reason})`).join(', ');
    info.textContent = `Meeting point ${point.lat.toFixed(5)}, ${point.lng.toFixed(5)}`
      + (fair ? ` · fair point ${fair.lat.toFixed(5)}, ${fair.lng.toFixed(5)}` : '')
      + ` · counting ${point.members.join(', ')}`
      + (left ? ` · left out: ${left}` : '')
      + ` · computed ${new Date(point.computedAt).toLocaleTimeString()}`;
  }
}

/** An equirectangular projection centred on the points, at least 200 m across, 20 px margin. */
function fit(points) {
  const lats = points.map((p) => p.lat);
  const lngs = points.map((p) => p.lng);
  const center = { lat: (Math.min(...lats) + Math.max(...lats)) / 2, lng: (Math.min(...lngs) + Math.max(...lngs)) / 2 };
  const kx = metersPerDegLng(center.lat);
  const extent = Math.max(...points.map((p) => Math.max(Math.abs(p.lat - center.lat) * M_PER_DEG_LAT,
    Math.abs(p.lng - center.lng) * kx)));
  const spanMeters = Math.max(200, extent * 2 * 1.15);
  const scale = 360 / spanMeters;
  return {
    spanMeters,
    scale,
    xy: (p) => [round2(200 + (p.lng - center.lng) * kx * scale), round2(200 - (p.lat - center.lat) * M_PER_DEG_LAT * scale)],
    invert: (x, y) => ({ lat: center.lat - (y - 200) / scale / M_PER_DEG_LAT, lng: center.lng + (x - 200) / scale / kx }),
  };
}

function niceStep(raw) {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw);
}

function el(name, attrs, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---- small helpers ----------------------------------------------------------------------------

function metersPerDegLng(lat) {
  return 111_320 * Math.cos((lat * Math.PI) / 180);
}

function distanceMeters(a, b) {
  const north = (a.lat - b.lat) * M_PER_DEG_LAT;
  const east = (a.lng - b.lng) * metersPerDegLng((a.lat + b.lat) / 2);
  return Math.hypot(north, east);
}

function round(x) {
  return Math.round(x * 1e6) / 1e6;
}

function round2(x) {
  return Math.round(x * 100) / 100;
}

function locationLog(text) {
  $('location-log').textContent = text;
}

function log(text) {
  $('log').textContent = `${new Date().toLocaleTimeString()} ${text}`;
}

init();
