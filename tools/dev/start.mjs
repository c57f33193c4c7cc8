// npm start: check the system packages, install npm dependencies if missing, build every
// service, bring the bridge up.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';
import prerequisites from './prerequisites.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// First, and in seconds: a missing system package is installed (root) or named with its command.
prerequisites.ensurePrerequisites('start');
ensureDependencies(root);
const { buildApps, buildEntry } = await import('../build/build.mjs');
await buildApps();
const stack = await buildEntry('tools/dev/stack.main.ts', 'dist/tools/dev/stack.js');
// The stack runs in this process; its first argument is the workspace root.
process.argv[2] = root;
await import(stack);
