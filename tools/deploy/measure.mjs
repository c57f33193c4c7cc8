// Builds every service and measures each one's RSS and CPU, idle and under a burst of health
// checks (see measure.main.ts). Used to size the Kubernetes requests and limits in k8s/ and
// deploy/helm; the figures are in docs/deploy.md.
//   node tools/deploy/measure.mjs [--idle-s 20] [--requests 5000] [--apps-dir dist/apps]
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { buildApps, buildEntry } = await import('../build/build.mjs');
if (!process.argv.includes('--apps-dir')) await buildApps();
const entry = await buildEntry('tools/deploy/measure.main.ts', 'dist/tools/deploy/measure.js');
process.argv.splice(2, 0, root);
await import(entry);
