// The gateway serves the client's build as /static/rallypoint-client.js (the demo page imports it),
// from a copy checked in under ingest-gateway, so that the gateway builds with a JDK alone. This
// writes that copy from dist/ (run `npm run build` first: `npm run build:gateway` does both); with
// --check it writes nothing and fails when the copy differs from dist/.
//
//   node scripts/served-copy.mjs [--check]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const packageDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const built = join(packageDir, 'dist', 'rallypoint-client.js');
const served = join(packageDir, '..', '..', 'ingest-gateway', 'src', 'main', 'resources', 'io', 'rallypoint', 'gateway', 'web',
  'rallypoint-client.js');

const fresh = readFileSync(built, 'utf8');
const name = relative(process.cwd(), served);
if (process.argv.includes('--check')) {
  if (readFileSync(served, 'utf8') !== fresh) {
    console.error(`${name} is not the build of src/: run \`npm run build:gateway\` and commit it`);
    process.exit(1);
  }
  console.log(`${name} is the build of src/`);
} else {
  writeFileSync(served, fresh);
  console.log(`wrote ${name}`);
}
