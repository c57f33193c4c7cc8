// Builds Lighthouse entry points into dist/ as single CommonJS files: esbuild bundles our code
// (apps + libs, resolving the @lighthouse/* aliases) and keeps node_modules external; each
// TypeScript file goes through swc first because esbuild emits no decorator metadata, which
// Nest's dependency injection needs at run time.
//
//   node tools/build/build.mjs                 every app
//   node tools/build/build.mjs gateway ...     the named apps
//   import { buildEntry } from './build.mjs'   any other entry (bench, dev stack)
import { transformFile } from '@swc/core';
import { build } from 'esbuild';
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

const swcDecorators = {
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
      return { contents: code, loader: 'js' };
    });
  },
};

/** Bundles one TypeScript entry into `outfile` (relative paths are from the workspace root). */
export async function buildEntry(entry, outfile) {
  await build({
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    tsconfig: join(root, 'tsconfig.base.json'),
    sourcemap: 'linked',
    keepNames: true,
    logLevel: 'warning',
    plugins: [swcDecorators],
  });
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
