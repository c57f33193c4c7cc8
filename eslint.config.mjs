// Lint: TypeScript rules plus Nx module boundaries on two tag axes (scope:*, type:*).
// Domain and contract libs may not reach brokers, stores, Nest or FUSE: they stay pure.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const infrastructure = ['nats', '@nats-io/*', 'ioredis', '@nestjs/*', 'fastify', 'fuse-native', '@opentelemetry/*', 'pino', 'prom-client'];

const depConstraints = [
  { sourceTag: 'type:app', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'type:util'] },
  { sourceTag: 'type:util', onlyDependOnLibsWithTags: ['type:util', 'type:contracts'] },
  { sourceTag: 'type:domain', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts'], bannedExternalImports: infrastructure },
  { sourceTag: 'type:contracts', onlyDependOnLibsWithTags: ['type:contracts'], bannedExternalImports: infrastructure },
  { sourceTag: 'type:testing', onlyDependOnLibsWithTags: ['type:util', 'type:contracts', 'type:domain'] },
  { sourceTag: 'scope:shared', onlyDependOnLibsWithTags: ['scope:shared'] },
  ...['gateway', 'session-registry', 'speed-layer', 'event-store', 'delegation-router', 'fuse-mounter', 'mcp-adapter'].map(
    (app) => ({ sourceTag: `scope:${app}`, onlyDependOnLibsWithTags: ['scope:shared', `scope:${app}`] }),
  ),
  // One adapter runs per agent on developer machines: no broker, store, Nest or their util libs in it.
  { sourceTag: 'scope:mcp-adapter', onlyDependOnLibsWithTags: ['type:domain', 'type:contracts', 'scope:mcp-adapter'], bannedExternalImports: infrastructure },
];

/** Tests (and only tests) may also use the testing lib. */
const testDepConstraints = depConstraints.map((c) =>
  c.sourceTag.startsWith('type:') && c.sourceTag !== 'type:testing'
    ? { ...c, onlyDependOnLibsWithTags: [...c.onlyDependOnLibsWithTags, 'type:testing'] }
    : c,
);

/** JetStream's API in the `nats` client: apps reach JetStream only through the bus port (libs/transport). */
const jetStreamNames = ['AckPolicy', 'DeliverPolicy', 'RetentionPolicy', 'StorageType', 'JetStreamClient', 'JetStreamManager', 'Consumer', 'ConsumerMessages', 'ObjectStore', 'JsMsg'];
const jetStreamCalls = ['jetstream', 'jetstreamManager'].map((name) => ({
  selector: `CallExpression[callee.property.name='${name}']`,
  message: 'apps use JetStream through the bus port (bus.streams), not the nats client',
}));
const natsForApps = { name: 'nats', message: 'apps talk to NATS through the bus port of @lighthouse/transport' };

const boundaries = (constraints) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], banTransitiveDependencies: false, depConstraints: constraints },
];

export default tseslint.config(
  { ignores: ['**/node_modules/**', '**/dist/**', '**/out/**', '.nx/**', 'coverage/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    plugins: { '@nx': nx },
    // Nest's DI reads constructor parameter types from decorator metadata, so a class used there
    // is a value import; these options tell consistent-type-imports as much.
    languageOptions: { parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true } },
    rules: {
      '@nx/enforce-module-boundaries': boundaries(depConstraints),
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports', disallowTypeAnnotations: false }],
    },
  },
  {
    // Test helpers of an app (e.g. apps/fuse-mounter/src/testing) are test code too.
    files: ['**/*.spec.ts', 'tools/**/*.ts', 'apps/*/src/testing/**/*.ts'],
    rules: { '@nx/enforce-module-boundaries': boundaries(testDepConstraints) },
  },
  {
    // Apps never reach into the NATS client; their tests may open a raw connection (to act as a
    // hostile client), but not JetStream.
    files: ['apps/**/*.ts'],
    ignores: ['apps/**/*.spec.ts', 'apps/*/src/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [natsForApps], patterns: [{ group: ['@nats-io/*'], message: natsForApps.message }] }],
      'no-restricted-syntax': ['error', ...jetStreamCalls],
    },
  },
  {
    files: ['apps/**/*.spec.ts', 'apps/*/src/testing/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'nats', importNames: jetStreamNames, message: 'use the bus port (bus.streams) for JetStream' }] }],
      'no-restricted-syntax': ['error', ...jetStreamCalls],
    },
  },
);
