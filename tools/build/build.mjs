// Builds Lighthouse entry points into dist/ as single CommonJS files: esbuild bundles our code
// (apps + libs, resolving the @lighthouse/* aliases) and keeps node_modules external; each
// TypeScript file goes through swc first because esbuild emits no decorator metadata, which
// Nest's dependency injection needs at run time.
//
//   node tools/build/build.mjs                 every app
//   node tools/build/build.mjs gateway ...     the named apps
//   import { buildEntry } from './build.mjs'   any other entry (bench, dev stack)
//
// Self-contained entries (the MCP adapter, started once per agent on developer machines) bundle
// their npm dependencies too: no node_modules, smaller and faster to start. Such an entry may
// have companions, bundles of their own written beside it that it loads only when needed.
import { transformFile } from '@swc/core';
import { build } from 'esbuild';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** The MCP server's node flags: interpreter only, a 1 MB young generation (an idle adapter is about 3 MB smaller). */
export const MCP_SERVER_NODE_FLAGS = '--jitless --no-expose-wasm --max-semi-space-size=1';

/** @noble/hashes' node:crypto loader (`@noble/hashes/crypto` on Node), replaced in the adapter's bundles. */
const NOBLE_WITHOUT_NODE_CRYPTO = {
  '@noble/hashes/esm/cryptoNode.js': 'apps/mcp-adapter/src/hook/noble-no-webcrypto.ts',
  '@noble/hashes/cryptoNode.js': 'apps/mcp-adapter/src/hook/noble-no-webcrypto.ts',
};

/**
 * Entries bundled with their dependencies (see the head of this file), and modules of those
 * dependencies the entry replaces with a smaller stand-in of its own (each explains why).
 */
const SELF_CONTAINED = new Map([
  [
    // `lighthouse-mcp`, the executable: a few lines that compile its companion cli.js (the command,
    // and the Claude Code hook, which starts once per tool call) with V8's code cache for a hook.
    // The MCP server is the companion serve.js, which cli.js loads only to serve.
    'apps/mcp-adapter/src/main.ts',
    {
      companions: { 'cli.js': 'apps/mcp-adapter/src/cli.ts', 'serve.js': 'apps/mcp-adapter/src/serve.ts' },
      // Under the entry's `#!/bin/sh`, the line that picks node's flags: `":"` is a no-op command
      // to the shell and a string (then a comment) to JavaScript. A hook runs without V8 flags (any
      // flag makes Node compile its own modules again instead of using their code cache); the
      // long-lived MCP server with the small-footprint ones. Without node on the PATH the shell
      // would answer 127, which Claude Code takes as "run the call": the launcher answers as the
      // hook would (pre-tool-use blocks with exit 2, a context hook says nothing), the server 127.
      // `command -v` is the shell's own (no process).
      launcher: `":" //; command -v node >/dev/null || { [ "$1" = hook ] || exit 127; [ "$2" = pre-tool-use ] || exit 0; echo "the Lighthouse hook failed, so the call is blocked: node is not on the PATH" >&2; exit 2; }; [ "$1" = hook ] && exec node "$0" "$@"; exec node ${MCP_SERVER_NODE_FLAGS} "$0" "$@"`,
    },
  ],
  [
    // Our libs are side-effect free here, so only the modules the hook uses are in (no zod, no SDK).
    // @noble/hashes signs the hook's requests; its `crypto` module, which would load node:crypto
    // at every start for a `randomBytes` the hook never calls, is left out (see the stand-in).
    'apps/mcp-adapter/src/cli.ts',
    { sideEffectFreeLibs: true, substitutes: NOBLE_WITHOUT_NODE_CRYPTO },
  ],
  [
    'apps/mcp-adapter/src/serve.ts',
    {
      substitutes: { ...NOBLE_WITHOUT_NODE_CRYPTO, '@modelcontextprotocol/sdk/dist/esm/validation/ajv-provider.js': 'apps/mcp-adapter/src/server/no-json-schema-validator.ts' },
      // The tool definitions (JSON Schemas from the zod contracts) and their hash, fixed in the bundle.
      constants: { LIGHTHOUSE_TOOL_DEFINITIONS: 'apps/mcp-adapter/src/tools/tool-definitions.ts#computeToolDefinitions' },
    },
  ],
]);

/**
 * Browser assets an app serves, built beside its bundle (`<bundle dir>/<dir>/app.js`, `app.css`):
 * the console's page (preact, htm, uPlot and its CSS bundled in, so nothing comes from a CDN at
 * run time: the bridge runs offline).
 */
const WEB_ASSETS = new Map([['apps/gateway/src/main.ts', { dir: 'console', entries: ['apps/gateway/console-web/main.js', 'apps/gateway/console-web/app.css'] }]]);

async function buildWebAssets({ dir, entries }, outfile) {
  await build({
    entryPoints: entries.map((entry) => ({ in: join(root, entry), out: 'app' })),
    outdir: join(dirname(join(root, outfile)), dir),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    logLevel: 'warning',
  });
}

/**
 * esbuild `define`s computed now: each `NAME: 'file.ts#fn'` becomes the JSON of what `fn()`
 * returns, built and run here (with the workspace's node_modules).
 */
async function constantsOf(constants = {}) {
  const define = {};
  for (const [name, source] of Object.entries(constants)) {
    const [file, fn] = source.split('#');
    const out = await buildEntry(file, `dist/.build/${name}-${process.pid}-${randomBytes(4).toString('hex')}.cjs`, { selfContained: false });
    try {
      define[name] = JSON.stringify(createRequire(import.meta.url)(out)[fn]());
    } finally {
      for (const f of [out, `${out}.map`]) rmSync(f, { force: true });
    }
  }
  return define;
}

// Declares our own libs free of side effects at import: esbuild then leaves out every module of
// a lib whose exports the entry does not use (a lib's index re-exports all of them).
const sideEffectFreeLibs = () => ({
  name: 'side-effect-free-libs',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      // Only our own code imports the libs; a resolve some plugin started (pluginData) is left alone.
      if (args.pluginData !== undefined || args.kind === 'entry-point' || args.importer.includes('node_modules')) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'libs' });
      if (resolved.errors.length > 0 || !resolved.path.startsWith(join(root, 'libs') + sep)) return undefined;
      return { path: resolved.path, namespace: resolved.namespace, sideEffects: false };
    });
  },
});

const substitutes = (replacements = {}) => ({
  name: 'substitutes',
  setup(b) {
    // Every import from a package (`@noble/hashes/crypto` names no file), resolved first.
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === 'substituted' || !args.importer.includes('node_modules') || args.path.startsWith('node:')) return undefined;
      const resolved = await b.resolve(args.path, { kind: args.kind, importer: args.importer, resolveDir: args.resolveDir, pluginData: 'substituted' });
      const match = Object.keys(replacements).find((suffix) => resolved.path.endsWith(join('node_modules', suffix)));
      return match ? { path: join(root, replacements[match]) } : resolved;
    });
  },
});

// esbuild keeps every export of zod behind `import { z } from 'zod'` (a namespace re-exported as
// a value) but drops unused ones behind `import * as z from 'zod'`, which means the same thing.
const zodNamespaceImport = (code) => code.replace(/import\s*\{\s*z\s*\}\s*from\s*(["'])zod\1/g, 'import * as z from $1zod$1');

const swcDecorators = (rewrite = (code) => code) => ({
  name: 'swc-decorators',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, async (args) => {
      const { code } = await transformFile(args.path, {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      });
      return { contents: rewrite(code), loader: 'js' };
    });
  },
});

/**
 * Bundles one TypeScript entry into `outfile` (relative paths are from the workspace root).
 * `selfContained` (default: whether the entry is listed above) bundles node_modules as well.
 */
export async function buildEntry(entry, outfile, { selfContained = SELF_CONTAINED.has(entry) } = {}) {
  const options = SELF_CONTAINED.get(entry) ?? {};
  const plugins = selfContained ? [substitutes(options.substitutes), swcDecorators(zodNamespaceImport)] : [swcDecorators()];
  if (selfContained && options.sideEffectFreeLibs) plugins.unshift(sideEffectFreeLibs());
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: selfContained ? undefined : 'external',
    minify: selfContained,
    tsconfig: join(root, 'tsconfig.base.json'),
    sourcemap: 'linked',
    keepNames: !selfContained,
    logLevel: 'warning',
    plugins,
    define: selfContained ? await constantsOf(options.constants) : undefined,
    banner: selfContained && options.launcher ? { js: options.launcher } : undefined,
  });
  // A self-contained bundle with a #! line (kept from its entry) is a command of its own.
  if (selfContained) chmodSync(join(root, outfile), 0o755);
  // A command's own package scope, so that Node, which looks for the package.json nearest the main
  // file at every start (to tell CommonJS from ESM), stops beside it instead of reading and parsing
  // the workspace's: a hook starts once per tool call.
  if (selfContained && options.launcher) writeFileSync(join(root, dirname(outfile), 'package.json'), `${JSON.stringify({ type: 'commonjs', private: true })}\n`);
  if (WEB_ASSETS.has(entry)) await buildWebAssets(WEB_ASSETS.get(entry), outfile);
  const companions = Object.entries(options.companions ?? {});
  await Promise.all(companions.map(([name, source]) => buildEntry(source, join(dirname(outfile), name), { selfContained })));
  return join(root, outfile);
}

/** Apps that have an entry point, by name. */
export function appNames() {
  return readdirSync(join(root, 'apps')).filter((name) => existsSync(join(root, 'apps', name, 'src', 'main.ts')));
}

export async function buildApps(names = appNames()) {
  const started = Date.now();
  await Promise.all(names.map((name) => buildEntry(`apps/${name}/src/main.ts`, `dist/apps/${name}/main.js`)));
  process.stderr.write(`built ${names.join(', ')} in ${Date.now() - started} ms\n`);
}

if (process.argv[1] && relative(process.argv[1], fileURLToPath(import.meta.url)) === '') {
  const names = process.argv.slice(2);
  buildApps(names.length ? names : undefined).catch((error) => {
    process.stderr.write(`${error.stack ?? error}\n`);
    process.exit(1);
  });
}
