// npm run bench -- <name>: builds tools/bench/<name>/main.ts and runs it. The benchmark's last
// line of output is one JSON object: {"bench":"<name>", ...figures, "baseline": {...}}.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { buildEntry, root } from '../build/build.mjs';

const [name, ...args] = process.argv.slice(2);
const available = readdirSync(join(root, 'tools', 'bench')).filter((d) => existsSync(join(root, 'tools', 'bench', d, 'main.ts')));
if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <name> [args]\navailable: ${available.join(', ')}\n`);
  process.exit(2);
}
const file = await buildEntry(`tools/bench/${name}/main.ts`, `dist/tools/bench/${name}.js`);
const result = spawnSync(process.execPath, ['--enable-source-maps', file, ...args], { stdio: 'inherit' });
process.exit(result.status ?? 1);
