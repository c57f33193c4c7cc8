import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The workspace root: the nearest folder above `from` (this file when run from source, the
 * bundle when built, then the working directory) that holds the workspace build script.
 */
export function repoRoot(from: string[] = [__dirname, process.cwd()]): string {
  for (const start of from) {
    for (let dir = resolve(start); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'tools', 'build', 'build.mjs'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  throw new Error('cannot find the workspace root (no tools/build/build.mjs above this file or the working directory)');
}
