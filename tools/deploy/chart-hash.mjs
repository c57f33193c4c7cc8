// Prints the hash of every file of the Helm chart (same algorithm as chartHash in manifests.ts):
// path, NUL, content, NUL for each file in sorted relative-path order, SHA-256.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const chartDir = process.argv[2];
const files = [];
const walk = (dir) => {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) walk(path);
    else files.push(relative(chartDir, path));
  }
};
walk(chartDir);
const hash = createHash('sha256');
for (const path of files.sort()) hash.update(`${path}\0`).update(readFileSync(join(chartDir, path))).update('\0');
process.stdout.write(`${hash.digest('hex')}\n`);
