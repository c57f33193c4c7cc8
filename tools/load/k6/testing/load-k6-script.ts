import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const SHIMS = join(__dirname, 'k6-shims.ts');

/** Each k6 module the script imports, as a re-export of the shims. */
const MODULES: Record<string, string> = {
  k6: `export { sleep } from ${JSON.stringify(SHIMS)};`,
  'k6/crypto': `import { crypto } from ${JSON.stringify(SHIMS)}; export default crypto;`,
  'k6/encoding': `import { encoding } from ${JSON.stringify(SHIMS)}; export default encoding;`,
  'k6/execution': `import { execution } from ${JSON.stringify(SHIMS)}; export default execution;`,
  'k6/http': `import { http } from ${JSON.stringify(SHIMS)}; export default http;`,
  'k6/metrics': `export { Trend, Counter } from ${JSON.stringify(SHIMS)};`,
};

export interface K6Script {
  options: { scenarios: Record<string, { vus?: number; exec: string; duration: string }>; thresholds: Record<string, string[]> };
  signedHeaders(sessionKey: string, method: string, path: string, body: string, nowS?: number, nonce?: string): Record<string, string>;
}

/** The script's directory: `open(import.meta.resolve(…))` paths are relative to it. */
export const SCRIPT_DIR = join(__dirname, '..');

/**
 * The k6 script bundled as k6 would load it (its imports, `open()` and `import.meta.resolve`),
 * with the k6 modules replaced by Node stand-ins and `__ENV` as given; returns its exports.
 */
export async function loadK6Script(env: Record<string, string>): Promise<K6Script> {
  const code = await bundleK6Script();
  const module = { exports: {} as K6Script };
  const globals = {
    __ENV: env,
    __k6Resolve: (path: string) => join(SCRIPT_DIR, path),
    open: (path: string) => readFileSync(path, 'utf8'),
  };
  new Function('module', 'exports', 'require', ...Object.keys(globals), code)(module, module.exports, require, ...Object.values(globals));
  return module.exports;
}

/** The script as one CommonJS file with the k6 modules bundled in as the stand-ins. */
export async function bundleK6Script(): Promise<string> {
  const entry = join(SCRIPT_DIR, 'lighthouse-agents.ts');
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    platform: 'node',
    format: 'cjs',
    target: 'es2022',
    logLevel: 'silent',
    define: { 'import.meta.resolve': '__k6Resolve' },
    plugins: [
      {
        name: 'k6-shims',
        setup(b) {
          b.onResolve({ filter: /^k6(\/|$)/ }, (args) => ({ path: args.path, namespace: 'k6' }));
          b.onLoad({ filter: /.*/, namespace: 'k6' }, (args) => ({ contents: MODULES[args.path] ?? `throw new Error('no shim for ${args.path}')`, loader: 'ts', resolveDir: __dirname }));
        },
      },
    ],
  });
  return out.outputFiles[0]?.text ?? '';
}
