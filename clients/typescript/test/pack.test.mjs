// `npm pack` makes a package that installs into an empty project and works there: from JavaScript
// (the exports) and from TypeScript (the types, through the package's `exports`).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
/** The command's output; its output and errors in the failure when it exits non-zero. */
function run(command, args, cwd) {
  const done = spawnSync(command, args, { cwd, encoding: 'utf8' });
  assert.equal(done.status, 0, `${command} ${args.join(' ')} in ${cwd}:\n${done.stdout}${done.stderr}`);
  return done.stdout;
}

test('the packed tarball installs into an empty project and is usable from JavaScript and TypeScript', (t) => {
  const work = mkdtempSync(join(tmpdir(), 'rallypoint-client-pack-'));
  t.after(() => rmSync(work, { recursive: true, force: true }));

  const [packed] = JSON.parse(run(npm, ['pack', '--json', '--pack-destination', work], packageDir).replace(/^[^[]*/s, ''));
  const files = packed.files.map((f) => f.path).sort();
  assert.equal(packed.name, '@rallypoint/client');
  assert.deepEqual(files, ['LICENSE', 'README.md', 'dist/protocol.d.ts', 'dist/protocol.js', 'dist/rallypoint-client.d.ts',
    'dist/rallypoint-client.js', 'package.json']);

  const project = join(work, 'app');
  run('mkdir', [project]);
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'app', private: true, type: 'module' }));
  run(npm, ['install', '--no-audit', '--no-fund', '--offline', join(work, packed.filename)], project);
  assert.deepEqual(readdirSync(join(project, 'node_modules')).filter((f) => !f.startsWith('.')), ['@rallypoint'], 'no dependencies');

  writeFileSync(join(project, 'app.js'), `
    import { RallypointClient, advanceCursor } from '@rallypoint/client';
    const memory = new Map();
    const storage = { getItem: (k) => memory.get(k) ?? null, setItem: (k, v) => memory.set(k, v), removeItem: (k) => memory.delete(k) };
    const token = 'e30.' + Buffer.from(JSON.stringify({ sub: 'ana' })).toString('base64url') + '.sig';
    const client = new RallypointClient({ url: 'ws://127.0.0.1:1/ws', token, storage, WebSocket: class {} });
    client.send('ride-42', 'hello');
    console.log(JSON.stringify({ user: client.user, pending: client.pendingCount, cursor: advanceCursor(null, new Set(), 7) }));
  `);
  assert.deepEqual(JSON.parse(run(process.execPath, ['app.js'], project)), { user: 'ana', pending: 1, cursor: 7 });

  writeFileSync(join(project, 'app.ts'), `
    import { RallypointClient, type ServerFrame, type TimelineEntry } from '@rallypoint/client';
    declare const token: string;
    const client = new RallypointClient({ url: 'wss://chat.example/ws', token, conversations: ['ride-42'] });
    client.addEventListener('message', (event) => { const body: string = event.detail.message.body; void body; });
    const lines: TimelineEntry[] = client.timeline('ride-42');
    const page = client.request({ type: 'sync', conversation: 'ride-42', afterSeq: 3 });
    void page.then((reply) => { const seqs: number[] = reply.messages.map((m) => m.seq); void seqs; });
    const frame: ServerFrame = { type: 'pong' };
    void lines; void frame;
  `);
  const tsc = join(packageDir, 'node_modules', 'typescript', 'bin', 'tsc');
  run(process.execPath, [tsc, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext',
    '--lib', 'es2022,dom', 'app.ts'], project);
});
