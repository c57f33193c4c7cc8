import { closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * V8's code cache for the hook (issue 16). A hook starts once per tool call, and without a cache
 * V8 parses cli.js and compiles each of its functions again at every start. main.js compiles
 * cli.js through `vm.Script` with the bytecode a previous hook run left in the user's state
 * directory, and when there was none (or V8 refused it) leaves one at exit.
 *
 * Bytecode is code: the cache is read only from a directory this user owns that nobody else can
 * write, only as a regular file (never through a link) this user owns that nobody else can read
 * or write, and written to a new file renamed into place. Its name is a digest of what V8 must
 * match it to (the bundle's size, mtime and inode, Node's version and arch, node's flags), so a
 * rebuilt bundle or another Node never meets it; V8 checks version, flags and source length
 * again and refuses anything else (then the hook compiles as without a cache).
 */

/** A cache file larger than this is not ours. */
const MAX_CACHE_BYTES = 16 * 1024 * 1024;
const PREFIX = 'hook-code-';
const uid = () => process.getuid?.() ?? -1;

/** The state directory as the adapter derives it (hook-config.ts); undefined when it is not absolute. */
export function stateDirOf(env: NodeJS.ProcessEnv): string | undefined {
  const dir = env['LIGHTHOUSE_STATE_DIR'] || join(env['XDG_STATE_HOME'] || join(homedir(), '.local', 'state'), 'lighthouse');
  return isAbsolute(dir) ? dir : undefined;
}

/** FNV-1a, 32 bits, twice (two seeds): a file name for a key, not a secret (node:crypto would cost a hook its load). */
export function keyDigest(key: string): string {
  const fnv = (seed: number) => {
    let h = seed;
    for (let i = 0; i < key.length; i += 1) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
    return h.toString(16).padStart(8, '0');
  };
  return fnv(0x811c9dc5) + fnv(0x050c5d1f);
}

/** The cache file for this bundle under this Node, in `stateDir`. */
export function codeCacheFile(stateDir: string, bundle: string, env: NodeJS.ProcessEnv): string {
  const info = statSync(bundle);
  const key = [bundle, info.size, info.mtimeMs, info.ino, info.dev, process.version, process.arch, process.execArgv.join(' '), env['NODE_OPTIONS'] ?? ''].join('\0');
  return join(stateDir, `${PREFIX}${keyDigest(key)}.bin`);
}

/** The directory is this user's and nobody else can write to it. */
function privateDir(dir: string): boolean {
  const info = lstatSync(dir);
  return info.isDirectory() && info.uid === uid() && (info.mode & 0o022) === 0;
}

/** The cached bytecode, if the file is safe to trust (see the head of this file); else undefined. */
export function readCodeCache(file: string): Buffer | undefined {
  let fd: number | undefined;
  try {
    if (!privateDir(dirname(file))) return undefined;
    fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    const info = fstatSync(fd);
    if (!info.isFile() || info.uid !== uid() || (info.mode & 0o077) !== 0 || info.size === 0 || info.size > MAX_CACHE_BYTES) return undefined;
    const data = Buffer.alloc(info.size);
    let at = 0;
    while (at < data.length) {
      const read = readSync(fd, data, at, data.length - at, at);
      if (read === 0) return undefined;
      at += read;
    }
    return data;
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Leaves `data` as the cache file (and removes caches of other bundles or Nodes); a failure only costs the next run its cache. */
export function writeCodeCache(file: string, data: Buffer): void {
  const dir = dirname(file);
  const tmp = join(dir, `.${PREFIX}${process.pid}-${Date.now()}.tmp`);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDir(dir)) return;
    writeFileSync(tmp, data, { mode: 0o600, flag: 'wx' });
    renameSync(tmp, file);
    for (const old of readdirSync(dir)) if (old.startsWith(PREFIX) && join(dir, old) !== file) unlinkSync(join(dir, old));
  } catch {
    try {
      unlinkSync(tmp);
    } catch {
      // nothing was written
    }
  }
}

/** A CommonJS module body as a function of what Node gives a module. */
type ModuleBody = (exports: unknown, require: NodeJS.Require, module: NodeJS.Module, filename: string, dirname: string) => void;

/**
 * Compiles the CommonJS file `bundle` (with the cache file's bytecode when given and trusted)
 * and answers its module function. When there was no usable cache, the bytecode is written to
 * `cacheFile` at exit (with every function the run compiled), after the hook's answer.
 */
export function compileCached(bundle: string, cacheFile: string | undefined): ModuleBody {
  const source = readFileSync(bundle, 'utf8');
  const cachedData = cacheFile === undefined ? undefined : readCodeCache(cacheFile);
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, { filename: bundle, cachedData });
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected === true)) {
    process.once('exit', () => {
      try {
        writeCodeCache(cacheFile, script.createCachedData());
      } catch {
        // the next run compiles without a cache
      }
    });
  }
  return script.runInThisContext() as ModuleBody;
}
