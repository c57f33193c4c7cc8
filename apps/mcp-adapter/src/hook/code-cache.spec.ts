import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { codeCacheFile, compileCached, keyDigest, readCodeCache, stateDirOf, writeCodeCache } from './code-cache';

/** Real V8 bytecode of `source` (as compileCached wraps it), to hold in a cache file. */
const bytecodeOf = (source: string) => new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`).createCachedData();

describe("the hook's V8 code cache", () => {
  let base: string;
  let dir: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'lh-code-cache-'));
    dir = join(base, 'state');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  it('lives in the state directory the adapter uses, and nowhere when that is not absolute', () => {
    expect(stateDirOf({ LIGHTHOUSE_STATE_DIR: '/s/lh' })).toBe('/s/lh');
    expect(stateDirOf({ XDG_STATE_HOME: '/x' })).toBe('/x/lighthouse');
    expect(stateDirOf({ LIGHTHOUSE_STATE_DIR: 'relative/dir' })).toBeUndefined();
  });

  it('names the file after the bundle and the Node that runs it: a rebuilt bundle or other flags get another file', () => {
    const bundle = join(base, 'cli.js');
    writeFileSync(bundle, 'module.exports = 1;');
    const first = codeCacheFile(dir, bundle, {});
    expect(codeCacheFile(dir, bundle, {})).toBe(first);
    expect(first).toMatch(/\/hook-code-[0-9a-f]{16}\.bin$/);
    expect(codeCacheFile(dir, bundle, { NODE_OPTIONS: '--max-old-space-size=100' })).not.toBe(first);
    writeFileSync(bundle, 'module.exports = 2;');
    utimesSync(bundle, new Date(), new Date(Date.now() + 5_000));
    expect(codeCacheFile(dir, bundle, {})).not.toBe(first);
    expect(keyDigest('a')).not.toBe(keyDigest('b'));
  });

  it('writes an owner-only file in an owner-only directory, reads it back, and removes the caches of other bundles', () => {
    const old = join(dir, 'hook-code-0000000000000000.bin');
    writeCodeCache(old, Buffer.from('old'));
    const file = join(dir, 'hook-code-1111111111111111.bin');
    writeCodeCache(file, Buffer.from('bytecode'));
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readCodeCache(file)?.toString()).toBe('bytecode');
    expect(readdirSync(dir)).toEqual(['hook-code-1111111111111111.bin']);
  });

  it('trusts no file others could have written or read, no link, and no directory others can write to', () => {
    const file = join(dir, 'hook-code-1111111111111111.bin');
    writeCodeCache(file, Buffer.from('bytecode'));
    chmodSync(file, 0o644);
    expect(readCodeCache(file)).toBeUndefined();
    chmodSync(file, 0o600);
    expect(readCodeCache(file)).toBeDefined();
    chmodSync(dir, 0o777);
    expect(readCodeCache(file)).toBeUndefined();
    chmodSync(dir, 0o700);
    const elsewhere = join(base, 'elsewhere.bin');
    writeFileSync(elsewhere, 'bytecode', { mode: 0o600 });
    const link = join(dir, 'hook-code-2222222222222222.bin');
    symlinkSync(elsewhere, link);
    expect(readCodeCache(link)).toBeUndefined();
    expect(readCodeCache(join(dir, 'missing.bin'))).toBeUndefined();
  });

  it('writes nothing into a directory others can write to', () => {
    mkdirSync(dir, { mode: 0o700 });
    chmodSync(dir, 0o777);
    writeCodeCache(join(dir, 'hook-code-1111111111111111.bin'), Buffer.from('bytecode'));
    expect(readdirSync(dir)).toEqual([]);
  });

  it('compiles and runs the module with bytecode V8 accepts, with bytecode it refuses, and without any', () => {
    const source = 'module.exports.answer = __filename.length > 0 ? 42 : 0;';
    const bundle = join(base, 'cli.js');
    writeFileSync(bundle, source);
    const file = join(dir, 'hook-code-1111111111111111.bin');
    const run = (cacheFile: string | undefined) => {
      const module = { exports: {} as { answer?: number } };
      compileCached(bundle, cacheFile)(module.exports, require, module as unknown as NodeJS.Module, bundle, base);
      return module.exports.answer;
    };
    expect(run(undefined)).toBe(42);
    writeCodeCache(file, Buffer.from(bytecodeOf(source)));
    expect(run(file)).toBe(42);
    writeCodeCache(file, Buffer.from('not bytecode at all, and rejected by V8'));
    expect(run(file)).toBe(42);
  });
});
