// The system packages Lighthouse needs, checked once at the start of `npm start`, `npm test`
// and CI: installed from Debian's packages when running as root, otherwise one message naming
// the packages and the exact command, and a non-zero exit within seconds (never a suite-by-suite
// timeout). Plain CommonJS without dependencies: it runs before `npm ci` (CI) and from the .mjs
// launchers, and Jest requires it for the unit test of `planPrerequisites`.
'use strict';
const { spawnSync } = require('node:child_process');
const { accessSync, constants, existsSync } = require('node:fs');

/**
 * What each prerequisite is, how to see it is there, and the Debian package that brings it.
 * `for`: who needs it (`start`: the local stack; `test`: the test suites, which need all of it).
 */
const PREREQUISITES = [
  { name: 'nats-server', package: 'nats-server', probe: { binary: 'nats-server' }, for: ['start', 'test'], why: 'NATS with JetStream' },
  { name: 'redis-server', package: 'redis-server', probe: { binary: 'redis-server' }, for: ['start', 'test'], why: 'Redis' },
  { name: 'fusermount', package: 'fuse', probe: { binary: 'fusermount' }, for: ['start', 'test'], why: 'fusermount, for the shared project view' },
  { name: 'libfuse.so.2', package: 'libfuse2', probe: { library: 'libfuse.so.2' }, for: ['start', 'test'], why: 'libfuse.so.2, for the FUSE binding' },
  { name: 'chromium', package: 'chromium', probe: { binary: 'chromium' }, for: ['test'], why: 'for the browser tests' },
  { name: 'promtool', package: 'prometheus', probe: { binary: 'promtool' }, for: ['test'], why: "promtool, for the alerting rules' tests" },
];

/**
 * Decides, from the machine's state, what to do: nothing, install (as root with apt-get), or
 * stop with a message. Pure: `state` says which prerequisites are present (by name), whether we
 * are root and whether apt-get exists.
 * @param {{ present: Record<string, boolean>, isRoot: boolean, hasAptGet: boolean }} state
 * @param {'start' | 'test'} purpose
 * @returns {{ action: 'none' } | { action: 'install', packages: string[], command: string[], message: string } | { action: 'fail', packages: string[], message: string, exitCode: number }}
 */
function planPrerequisites(state, purpose) {
  const missing = PREREQUISITES.filter((p) => p.for.includes(purpose) && !state.present[p.name]);
  if (missing.length === 0) return { action: 'none' };
  const packages = [...new Set(missing.map((p) => p.package))];
  const what = missing.map((p) => `${p.package} (${p.why})`).join(', ');
  if (state.isRoot && state.hasAptGet) {
    return { action: 'install', packages, command: ['apt-get', 'install', '-y', '-qq', ...packages], message: `installing ${what} from the system packages` };
  }
  const install = `sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}`;
  const how = state.hasAptGet ? `Install them with:\n\n  ${install}\n` : `Install the equivalent of these Debian packages with your system's package manager (on Debian or Ubuntu: ${install}).\n`;
  return {
    action: 'fail',
    packages,
    exitCode: 1,
    message: `[lighthouse] \`npm ${purpose}\` needs system packages that are missing: ${what}.\n${how}then run \`npm ${purpose}\` again.`,
  };
}

const SEARCH_PATH = () => [...(process.env.PATH || '').split(':'), '/usr/sbin', '/usr/local/sbin', '/sbin', '/usr/bin', '/bin'].filter(Boolean);

function hasBinary(name) {
  return SEARCH_PATH().some((dir) => {
    try {
      accessSync(`${dir}/${name}`, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Whether the dynamic linker knows `library` (ldconfig's cache, or the usual folders). */
function hasLibrary(library) {
  const ldconfig = ['/sbin/ldconfig', '/usr/sbin/ldconfig'].find((path) => existsSync(path)) || 'ldconfig';
  const listed = spawnSync(ldconfig, ['-p'], { encoding: 'utf8', timeout: 5000 });
  if (listed.status === 0) return listed.stdout.split('\n').some((line) => line.trim().startsWith(`${library} `));
  return ['/lib', '/usr/lib', '/lib64', '/usr/lib64', `/usr/lib/${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`].some((dir) => existsSync(`${dir}/${library}`));
}

/** This machine's state, as {@link planPrerequisites} reads it. */
function probeState() {
  const present = {};
  for (const p of PREREQUISITES) present[p.name] = p.probe.binary ? hasBinary(p.probe.binary) : hasLibrary(p.probe.library);
  return { present, isRoot: typeof process.getuid === 'function' && process.getuid() === 0, hasAptGet: hasBinary('apt-get') };
}

/**
 * Checks every prerequisite of `purpose` once; installs what is missing when it may, otherwise
 * prints the command to run and exits non-zero. `io` replaces the machine in tests.
 */
function ensurePrerequisites(purpose, io = {}) {
  const { probe = probeState, run = runInherited, log = (line) => process.stdout.write(`${line}\n`), warn = (line) => process.stderr.write(`${line}\n`), exit = process.exit } = io;
  const plan = planPrerequisites(probe(), purpose);
  if (plan.action === 'none') return;
  if (plan.action === 'install') {
    log(`[lighthouse] ${plan.message}`);
    run(['apt-get', 'update', '-qq']);
    run(plan.command);
    const after = planPrerequisites(probe(), purpose);
    if (after.action === 'none') return;
    warn(`[lighthouse] still missing after apt-get install: ${after.packages.join(' ')}`);
    return exit(1);
  }
  warn(plan.message);
  return exit(plan.exitCode);
}

function runInherited(command) {
  spawnSync(command[0], command.slice(1), { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
}

module.exports = { PREREQUISITES, planPrerequisites, probeState, ensurePrerequisites };

// `node tools/dev/prerequisites.js test` (CI): the same check as `npm test` makes.
if (require.main === module) ensurePrerequisites(process.argv[2] === 'start' ? 'start' : 'test');
