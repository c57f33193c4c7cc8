// Renders the NATS users and permissions (from the contract table) into the nats-server config
// of the kustomize component and the Helm chart (see nats-auth.ts). Run it after the contract
// table changes; tools/deploy/nats-auth.spec.ts fails until you do.
//   node tools/deploy/nats-auth.mjs
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { buildEntry } = await import('../build/build.mjs');
const entry = await buildEntry('tools/deploy/nats-auth.main.ts', 'dist/tools/deploy/nats-auth.js');
process.argv.splice(2, 0, root);
await import(entry);
