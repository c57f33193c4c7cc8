import { spawnSync } from 'node:child_process';
import { accessSync, constants, readFileSync, rmSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { computeToolDefinitions } from './tools/tool-definitions';

// The adapter as it ships: one self-contained executable file built by the workspace build.
const repo = join(__dirname, '..', '..', '..');
const out = `dist/test-builds/mcp-adapter-${process.pid}/main.js`;

describe('the built adapter', () => {
  let code: string;
  let sources: string[];

  beforeAll(() => {
    const script = `import { buildEntry } from ${JSON.stringify(pathToFileURL(join(repo, 'tools', 'build', 'build.mjs')).href)}; await buildEntry('apps/mcp-adapter/src/main.ts', ${JSON.stringify(out)});`;
    const built = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: repo, encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`build failed: ${built.stderr}`);
    const file = join(repo, out);
    code = readFileSync(file, 'utf8');
    sources = (JSON.parse(readFileSync(`${file}.map`, 'utf8')) as { sources: string[] }).sources;
  }, 60_000);
  afterAll(() => rmSync(join(repo, out, '..'), { recursive: true, force: true }));

  it('is one executable file that starts node with the small-footprint flags', () => {
    expect(code.split('\n')[0]).toBe('#!/usr/bin/env -S node --jitless --no-expose-wasm --max-semi-space-size=1');
    accessSync(join(repo, out), constants.X_OK);
    expect(statSync(join(repo, out)).size).toBeLessThan(300 * 1024);
  });

  it('needs no node_modules: every package it uses is inside', () => {
    const required = [...code.matchAll(/\brequire\(["']([^"']+)["']\)/g)].map((m) => m[1] as string);
    expect(required.filter((name) => !name.startsWith('node:') && !builtinModules.includes(name))).toEqual([]);
    expect(sources.some((s) => s.includes('node_modules/@modelcontextprotocol/sdk/'))).toBe(true);
  });

  it('holds nothing of NATS, Nest, Redis, Fastify, pino or ajv', () => {
    const heavy = sources.filter((s) => /node_modules\/(nats|@nats-io|@nestjs|ioredis|fastify|pino|ajv|undici)\//.test(s));
    expect(heavy).toEqual([]);
    expect(sources.filter((s) => /libs\/(transport|observability|testing)\//.test(s))).toEqual([]);
  });

  it('carries the tool definitions and their hash computed at build time', () => {
    const { hash } = computeToolDefinitions();
    expect(code).toContain(hash);
  });
});
