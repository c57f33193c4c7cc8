// npm run load -- [options]: builds the load driver (tools/load/driver/main.ts) and runs it.
// `npm run load -- --help` lists the options; the README's "Load testing" section explains them.
import { spawnSync } from 'node:child_process';
import { buildEntry } from '../build/build.mjs';

const file = await buildEntry('tools/load/driver/main.ts', 'dist/tools/load/main.js');
const result = spawnSync(process.execPath, ['--enable-source-maps', file, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(result.status ?? 1);
