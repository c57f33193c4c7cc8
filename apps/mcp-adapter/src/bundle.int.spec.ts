import { spawn, spawnSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeToolDefinitions } from './tools/tool-definitions';

// The adapter as it ships, built by the workspace build: main.js, the executable, which compiles
// cli.js beside it (with V8's code cache for a hook); cli.js holds the command and the Claude Code
// hook (started once per tool call, so nothing heavy is in it), and serve.js, the self-contained
// MCP server cli.js loads to serve.
const repo = join(__dirname, '..', '..', '..');
const out = `dist/test-builds/mcp-adapter-${process.pid}/main.js`;

describe('the built adapter', () => {
  let code: string;
  let cliCode: string;
  let sources: string[];
  let launcherSources: string[];
  let serveCode: string;
  let serveSources: string[];

  beforeAll(() => {
    const script = `import { buildEntry } from ${JSON.stringify(pathToFileURL(join(repo, 'tools', 'build', 'build.mjs')).href)}; await buildEntry('apps/mcp-adapter/src/main.ts', ${JSON.stringify(out)});`;
    const built = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
    const file = join(repo, out);
    code = readFileSync(file, 'utf8');
    const cli = join(file, '..', 'cli.js');
    cliCode = readFileSync(cli, 'utf8');
    sources = (JSON.parse(readFileSync(`${cli}.map`, 'utf8')) as { sources: string[] }).sources;
    launcherSources = (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
    const serve = join(file, '..', 'serve.js');
    serveCode = readFileSync(serve, 'utf8');
    serveSources = (JSON.parse(readFileSync(`${serve}.map`, 'utf8')) as { sources: string[] }).sources;
  }, 60_000);
  afterAll(() => rmSync(join(repo, out, '..'), { recursive: true, force: true }));

  it('is an executable file: a shell line that starts node, then the bundle', () => {
    expect(code.split('\n')[0]).toBe('#!/bin/sh');
    expect(code.split('\n')[1]).toMatch(/^":" \/\/; /);
    accessSync(join(repo, out), constants.X_OK);
    expect(statSync(join(repo, out)).size).toBeLessThan(8 * 1024);
    expect(statSync(join(repo, out)).size + cliCode.length + serveCode.length).toBeLessThan(300 * 1024);
  });

  // Each V8 flag costs a hook run Node's code cache of its own modules (issue 16); the MCP
  // server, started once and idle for hours, keeps the small-footprint flags.
  it('starts node without V8 flags for a hook and with the small-footprint flags for the MCP server', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lh-flags-'));
    try {
      const probe = join(dir, 'probe.cjs');
      writeFileSync(probe, "process.stderr.write('execArgv=' + JSON.stringify(process.execArgv) + '\\n');\n");
      const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', NODE_OPTIONS: `--require ${probe}`, LIGHTHOUSE_STATE_DIR: dir };
      const execArgv = (args: string[]) => spawnSync(join(repo, out), args, { env, input: '{}', encoding: 'utf8', timeout: 20_000 }).stderr.match(/^execArgv=(.*)$/m)?.[1];
      expect(execArgv(['hook', 'session-start'])).toBe('[]');
      expect(execArgv(['hook', 'pre-tool-use'])).toBe('[]');
      expect(JSON.parse(execArgv([]) ?? 'null')).toEqual(['--jitless', '--no-expose-wasm', '--max-semi-space-size=1']);
      expect(JSON.parse(execArgv(['serve']) ?? 'null')).toEqual(['--jitless', '--no-expose-wasm', '--max-semi-space-size=1']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is a CommonJS package of its own, so Node does not read the workspace package.json at every start', () => {
    expect(JSON.parse(readFileSync(join(repo, out, '..', 'package.json'), 'utf8'))).toMatchObject({ type: 'commonjs' });
  });

  it('holds in main.js only the loader of cli.js', () => {
    expect(launcherSources.filter((s) => !/apps\/mcp-adapter\/src\/(main|hook\/code-cache)\.ts$/.test(s))).toEqual([]);
  });

  it('keeps the hook small: no package from node_modules but @noble/hashes (without its node:crypto loader), and none of the MCP server in cli.js', () => {
    expect(sources.filter((s) => s.includes('node_modules/') && !/node_modules\/@noble\/hashes\/(esm\/|src\/)(sha2|hmac|_md|_u64|utils)\.(js|ts)$/.test(s))).toEqual([]);
    expect(sources.filter((s) => s.includes('cryptoNode'))).toEqual([]);
    expect(sources.filter((s) => /apps\/mcp-adapter\/src\/(server|tools|session|files|gateway|config)\//.test(s))).toEqual([]);
    expect(cliCode.length).toBeLessThan(40 * 1024);
  });

  it('loads node:crypto in a hook only for a large body, and node:tls only for an https gateway (each costs every hook start its load)', () => {
    const atTop = (name: string) => [...cliCode.matchAll(new RegExp(`=require\\("${name}"\\)`, 'g'))].length;
    const anywhere = (name: string) => [...cliCode.matchAll(new RegExp(`require\\("${name}"\\)`, 'g'))].length;
    expect([atTop('node:crypto'), anywhere('node:crypto')]).toEqual([0, 1]);
    expect([atTop('node:tls'), anywhere('node:tls')]).toEqual([0, 1]);
  });

  it('needs no node_modules: every package the MCP server uses is inside serve.js', () => {
    for (const text of [code, cliCode, serveCode]) {
      const required = [...text.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1] as string);
      expect(required.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))).toEqual([]);
    }
    expect(serveSources.some((s) => s.includes('node_modules/@modelcontextprotocol/sdk/'))).toBe(true);
  });

  it('holds nothing of NATS, Nest, Redis, Fastify, pino or ajv', () => {
    const all = [...sources, ...serveSources];
    const heavy = all.filter((s) => /node_modules\/(nats|@nats-io|@nestjs|ioredis|fastify|pino|ajv|undici)\//.test(s));
    expect(heavy).toEqual([]);
    expect(all.filter((s) => /libs\/(transport|observability|testing)\//.test(s))).toEqual([]);
  });

  it('carries the tool definitions and their hash computed at build time', () => {
    const { hash } = computeToolDefinitions();
    expect(serveCode).toContain(hash);
  });

  it('serves from serve.js: without an identity the MCP server refuses to start (exit 78), naming the problem', () => {
    const run = spawnSync(join(repo, out), [], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin' }, encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(78);
    expect(run.stderr).toContain('LIGHTHOUSE_AGENT_ID: required');
  });

  // The hook as Claude Code runs it, where nothing answers: it must block a shell call (exit 2)
  // within its own deadline, never hang until Claude Code kills it (the call would then run).
  describe('the built hook, fail closed', () => {
    const sockets = new Set<Socket>();
    let silent: Server;
    let silentUrl: string;
    let state: string;

    beforeAll(async () => {
      // Accepts connections and never answers: a gateway (or anything in between) that hangs.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
      silentUrl = `http://127.0.0.1:${(silent.address() as { port: number }).port}`;
      state = mkdtempSync(join(tmpdir(), 'lh-hook-fail-'));
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
      rmSync(state, { recursive: true, force: true });
    });

    function hook(env: Record<string, string>, stdin: string | null): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
      const started = Date.now();
      const base = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LIGHTHOUSE_AGENT_ID: 'hook-dev', LIGHTHOUSE_CREDENTIAL: `lhc_${'A'.repeat(43)}`, LIGHTHOUSE_STATE_DIR: state };
      const child = spawn(join(repo, out), ['hook', 'pre-tool-use'], { env: { ...base, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      if (stdin !== null) child.stdin.end(stdin);
      return new Promise((resolve) =>
        child.once('close', (code) => {
          child.stdin.destroy();
          resolve({ code, stdout, stderr, ms: Date.now() - started });
        }),
      );
    }
    const bash = JSON.stringify({ hook_event_name: 'PreToolUse', tool_name: 'Bash', tool_input: { command: 'rm -rf ~/work' }, cwd: '/w' });

    it('given a gateway that accepts the connection and never answers, blocks Bash with exit 2 at the hook deadline', async () => {
      const run = await hook({ LIGHTHOUSE_URL: silentUrl, LIGHTHOUSE_HOOK_TIMEOUT_MS: '700' }, bash);
      expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
      expect(run.stderr).toContain('could not validate this Bash call');
      expect(run.ms).toBeLessThan(15_000);
    }, 30_000);

    it('given nothing listening at the gateway address, blocks Bash with exit 2 and says it is unreachable', async () => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const port = (closed.address() as { port: number }).port;
      await new Promise<void>((resolve) => closed.close(() => resolve()));
      const run = await hook({ LIGHTHOUSE_URL: `http://127.0.0.1:${port}` }, bash);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/unreachable \(ECONNREFUSED\)/);
    }, 30_000);

    it('given stdin that never ends, answers at the deadline instead of waiting to be killed', async () => {
      const run = await hook({ LIGHTHOUSE_URL: silentUrl, LIGHTHOUSE_HOOK_TIMEOUT_MS: '600' }, null);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ hookSpecificOutput: { permissionDecision: 'ask' } });
      expect(run.stdout).toContain('no hook payload on stdin in time');
    }, 30_000);

    // Issue 16: V8's code cache of cli.js, kept in the state directory by a hook run without one.
    it('leaves the code cache of cli.js owner-only in the state directory, and replaces bytecode V8 refuses, answering the same', async () => {
      const own = mkdtempSync(join(tmpdir(), 'lh-hook-cache-'));
      try {
        const closed = { LIGHTHOUSE_URL: 'http://127.0.0.1:9', LIGHTHOUSE_STATE_DIR: own };
        const first = await hook(closed, bash);
        const caches = readdirSync(own).filter((f) => /^hook-code-[0-9a-f]{16}\.bin$/.test(f));
        expect(caches).toHaveLength(1);
        const cache = join(own, caches[0] as string);
        expect(statSync(cache).mode & 0o777).toBe(0o600);
        expect(statSync(cache).size).toBeGreaterThan(1024);
        writeFileSync(cache, 'not bytecode');
        const refused = await hook(closed, bash);
        expect(readFileSync(cache, 'utf8')).not.toBe('not bytecode');
        const cached = await hook(closed, bash);
        for (const run of [first, refused, cached]) {
          expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
          expect(run.stderr).toMatch(/could not validate this Bash call.*unreachable/);
        }
      } finally {
        rmSync(own, { recursive: true, force: true });
      }
    }, 30_000);

    it('given a cli.js that cannot be compiled, blocks pre-tool-use (exit 2), is silent in a context hook (exit 0), and never exits 1', () => {
      const broken = mkdtempSync(join(tmpdir(), 'lh-hook-broken-'));
      try {
        writeFileSync(join(broken, 'main.js'), code, { mode: 0o755 });
        writeFileSync(join(broken, 'cli.js'), 'this is not JavaScript {');
        const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', LIGHTHOUSE_STATE_DIR: broken };
        const run = (args: string[]) => spawnSync(join(broken, 'main.js'), args, { env, input: bash, encoding: 'utf8', timeout: 20_000 });
        const pre = run(['hook', 'pre-tool-use']);
        expect(pre.status).toBe(2);
        expect(pre.stderr).toContain('the Lighthouse hook failed, so the call is blocked');
        expect(run(['hook', 'post-tool-use']).status).toBe(0);
        expect(run(['serve']).status).toBe(70);
      } finally {
        rmSync(broken, { recursive: true, force: true });
      }
    });

    // Claude Code runs the call on any exit but 2: a launcher that cannot find node (the shell's
    // exit 127) would let every tool call through unvalidated.
    it('given no node on the PATH, blocks pre-tool-use (exit 2) and says why, is silent in a context hook (exit 0), and never lets the shell answer 127 for a hook', () => {
      const empty = mkdtempSync(join(tmpdir(), 'lh-hook-nonode-'));
      try {
        const run = (args: string[]) => spawnSync(join(repo, out), args, { env: { PATH: empty }, input: bash, encoding: 'utf8', timeout: 20_000 });
        const pre = run(['hook', 'pre-tool-use']);
        expect(pre.status).toBe(2);
        expect(pre.stderr).toContain('the Lighthouse hook failed, so the call is blocked: node is not on the PATH');
        expect(run(['hook', 'session-start']).status).toBe(0);
        expect(run(['serve']).status).toBe(127);
      } finally {
        rmSync(empty, { recursive: true, force: true });
      }
    });

    it.each(['post-everything', 'toString', '__proto__'])('given an unknown hook event (%s), refuses with usage (exit 64) and names the supported ones', (name) => {
      const run = spawnSync(join(repo, out), ['hook', name], { input: '{}', encoding: 'utf8', timeout: 20_000 });
      expect(run.status).toBe(64);
      expect(run.stderr).toContain('supported: pre-tool-use, post-tool-use, user-prompt-submit, session-start');
    });
  });
});
