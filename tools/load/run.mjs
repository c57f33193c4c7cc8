// npm run load -- [options]: builds the load driver (tools/load/driver/main.ts) and runs it.
// `npm run load -- --help` lists the options; the README's "Load testing" section explains them.
// Ctrl-C and SIGTERM go on to the driver, which ends the run early and stops the stack it started.
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { buildEntry } from '../build/build.mjs';

const file = await buildEntry('tools/load/driver/main.ts', 'dist/tools/load/main.js');
const child = spawn(process.execPath, ['--enable-source-maps', file, ...process.argv.slice(2)], { stdio: 'inherit' });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? 128 + (signal ? constants.signals[signal] : 0)));
