import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { root } from './manifests';

// tools/build/app-package.mjs on a bundle made here: what it lists and locks comes from the
// bundle's requires and the workspace's own lock file; mistakes stop it.
const script = join(root, 'tools', 'build', 'app-package.mjs');
let dist: string;

function bundle(app: string, code: string): void {
  mkdirSync(join(dist, app), { recursive: true });
  writeFileSync(join(dist, app, 'main.js'), code);
}

function run(app: string): { manifest: { dependencies: Record<string, string> }; lock: { packages: Record<string, { version?: string; dev?: boolean }> } } {
  execFileSync(process.execPath, [script, '--dist', dist, app], { stdio: 'pipe' });
  const read = (file: string) => JSON.parse(readFileSync(join(dist, app, file), 'utf8'));
  return { manifest: read('package.json'), lock: read('package-lock.json') };
}

const rootLock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const version = (name: string) => rootLock.packages[`node_modules/${name}`].version as string;

beforeEach(() => {
  dist = mkdtempSync(join(tmpdir(), 'lh-app-package-'));
});
afterEach(() => rmSync(dist, { recursive: true, force: true }));

describe('tools/build/app-package.mjs', () => {
  it('lists the packages the bundle requires, at the locked versions, and no builtins', () => {
    bundle('svc', 'var a = require("nats"); var b = require("node:fs"); var c = require("path"); var d = require("@nestjs/common/internal"); import("zod");');
    const { manifest } = run('svc');
    expect(manifest.dependencies).toEqual({ '@nestjs/common': version('@nestjs/common'), nats: version('nats'), zod: version('zod') });
  });

  it('locks the whole production closure, with the lock file integrity, and nothing from dev', () => {
    bundle('svc', 'require("nats");');
    const { lock } = run('svc');
    // nats -> nkeys.js -> tweetnacl, as the workspace lock resolves them.
    expect(Object.keys(lock.packages).sort()).toEqual(['', 'node_modules/nats', 'node_modules/nkeys.js', 'node_modules/tweetnacl']);
    expect(lock.packages['node_modules/nats']).toEqual(rootLock.packages['node_modules/nats']);
    expect(Object.values(lock.packages).some((entry) => entry.dev)).toBe(false);
  });

  it('stops when a bundle requires a dev dependency or an unknown package', () => {
    bundle('svc', 'require("jest");');
    expect(() => run('svc')).toThrow(/jest: loaded by the svc bundle but not a production dependency/);
    bundle('other', 'require("left-pad-that-is-not-installed");');
    expect(() => run('other')).toThrow(/not a production dependency/);
  });
});
