// npm test: every test of every project, against real NATS and Redis (found or started by the
// Jest global setup). Extra arguments go to Jest, e.g. `npm test -- libs/event-log`.
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureDependencies } from './ensure-deps.mjs';
import prerequisites from './prerequisites.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Once, before any suite: a missing package stops the run in seconds, not one suite at a time.
prerequisites.ensurePrerequisites('test');
ensureDependencies(root);
const jest = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
// A hung test must fail the run, never stall CI: the whole suite gets 25 minutes.
const result = spawnSync(process.execPath, [jest, '--ci', ...process.argv.slice(2)], { cwd: root, stdio: 'inherit', timeout: 25 * 60_000, killSignal: 'SIGKILL' });
if (result.error) process.stderr.write(`npm test: ${result.error.message}\n`);
process.exit(result.status ?? 1);
