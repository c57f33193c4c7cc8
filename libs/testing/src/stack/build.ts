import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { uniqueName } from '../test-env';
import { repoRoot } from './repo-root';

/** Built services: `main(app)` is the bundle of one app. */
export interface BuiltServices {
  /** The folder holding `<app>/main.js`. */
  readonly dir: string;
  /** For a private build, its own folder (`<root>/dist/apps` is `dir`), laid out as the workspace's. */
  readonly root?: string;
  main(app: string): string;
  /** Deletes the folder when this kit built it; a given folder (e.g. dist/apps) is left alone. */
  remove(): void;
}

export interface BuildOptions {
  /** The apps to build (default: every app with a `src/main.ts`). */
  apps?: readonly string[];
  /** Names the private folder, e.g. `e2e` or `fuse` (default `stack`). */
  tag?: string;
  /** The workspace root (default: found from this file). */
  repo?: string;
}

/** Services built elsewhere (e.g. `dist/apps` by `npm run build`): used as they are, never deleted. */
export function builtServices(dir: string): BuiltServices {
  return { dir, main: (app) => join(dir, app, 'main.js'), remove: () => undefined };
}

/**
 * Bundles apps with the workspace's own build into a folder no one else writes to,
 * `dist/stack/<tag>-<pid>-<random>/dist/apps/<app>/main.js` (inside the workspace, so the bundles find
 * node_modules): a suite building side by side with another, or with `npm run build`, never
 * runs a bundle that changed under it, and no test rebuilds the shared dist/apps.
 */
export async function buildServices(options: BuildOptions = {}): Promise<BuiltServices> {
  const repo = options.repo ?? repoRoot();
  const root = join(repo, 'dist', 'stack', uniqueName(options.tag ?? 'stack'));
  const dir = join(root, 'dist', 'apps');
  const out = relative(repo, dir);
  const build = JSON.stringify(pathToFileURL(join(repo, 'tools', 'build', 'build.mjs')).href);
  const apps = options.apps ? JSON.stringify(options.apps) : 'appNames()';
  const script = `import { appNames, buildEntry } from ${build};
await Promise.all(${apps}.map((app) => buildEntry(\`apps/\${app}/src/main.ts\`, \`${out}/\${app}/main.js\`)));`;
  await new Promise<void>((done, fail) =>
    execFile(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 }, (error, _stdout, stderr) =>
      error ? fail(new Error(`build of ${options.apps?.join(', ') ?? 'every app'} failed: ${stderr || error.message}`)) : done(),
    ),
  );
  return { dir, root, main: (app) => join(dir, app, 'main.js'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
