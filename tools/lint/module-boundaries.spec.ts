import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';

// Runs the real ESLint (with the workspace config) on source text placed at a path inside a
// project, so the test proves the boundaries the CI lint step enforces.
const root = join(__dirname, '..', '..');
const eslintBin = join(root, 'node_modules', '.bin', 'eslint');

interface LintMessage {
  ruleId: string | null;
  message: string;
}

function lint(filePath: string, source: string): LintMessage[] {
  const result = spawnSync(eslintBin, ['--stdin', '--stdin-filename', join(root, filePath), '-f', 'json'], {
    cwd: root,
    input: source,
    encoding: 'utf8',
  });
  const [report] = JSON.parse(result.stdout) as Array<{ messages: LintMessage[] }>;
  return report?.messages ?? [];
}

const boundaryErrors = (messages: LintMessage[]) => messages.filter((m) => m.ruleId === '@nx/enforce-module-boundaries');

describe('module boundaries (lint)', () => {
  beforeAll(() => {
    // The rule reads Nx's cached project graph; without one it silently skips itself.
    execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: root, stdio: 'ignore' });
  }, 60_000);

  it('rejects an app importing another app', () => {
    const messages = lint('apps/speed-layer/src/probe.ts', "import { AppModule } from '../../gateway/src/app.module';\nexport const probe = AppModule;\n");
    expect(boundaryErrors(messages)).toHaveLength(1);
  });

  it('rejects a domain lib importing nats', () => {
    const messages = lint('libs/policy/src/probe.ts', "import { connect } from 'nats';\nexport const probe = connect;\n");
    expect(boundaryErrors(messages).map((m) => m.message)).toEqual([expect.stringContaining('not allowed to import "nats"')]);
  });

  it('rejects a domain lib importing Nest or ioredis', () => {
    const source = "import { Injectable } from '@nestjs/common';\nimport { Redis } from 'ioredis';\nexport const probe = [Injectable, Redis];\n";
    expect(boundaryErrors(lint('libs/event-log/src/probe.ts', source))).toHaveLength(2);
  });

  it('rejects contracts depending on a util lib', () => {
    const messages = lint('libs/contracts/src/probe.ts', "import { FrameCodec } from '@lighthouse/transport';\nexport const probe = FrameCodec;\n");
    expect(boundaryErrors(messages)).toHaveLength(1);
  });

  it('accepts an app importing a lib through its public entry point', () => {
    const messages = lint('apps/speed-layer/src/probe.ts', "import { SUBJECTS } from '@lighthouse/contracts';\nexport const probe = SUBJECTS;\n");
    expect(boundaryErrors(messages)).toEqual([]);
  });

  it('keeps apps off the nats client and its JetStream API', () => {
    const rule = (messages: LintMessage[], id: string) => messages.filter((m) => m.ruleId === id);
    expect(rule(lint('apps/gateway/src/probe.ts', "import { connect } from 'nats';\nexport const probe = connect;\n"), 'no-restricted-imports')).toHaveLength(1);
    expect(rule(lint('apps/gateway/src/probe.ts', "import type { JetStreamClient } from 'nats';\nexport type Probe = JetStreamClient;\n"), 'no-restricted-imports')).toHaveLength(1);
    const reachIn = 'export const probe = (nc: { jetstream(): unknown; jetstreamManager(): unknown }) => [nc.jetstream(), nc.jetstreamManager()];\n';
    expect(rule(lint('apps/speed-layer/src/probe.ts', reachIn), 'no-restricted-syntax')).toHaveLength(2);
    // A test may open a raw connection (to act as a hostile client), but not JetStream.
    expect(rule(lint('apps/gateway/src/probe.int.spec.ts', "import { connect } from 'nats';\nexport const probe = connect;\n"), 'no-restricted-imports')).toEqual([]);
    expect(rule(lint('apps/gateway/src/probe.int.spec.ts', "import { DeliverPolicy } from 'nats';\nexport const probe = DeliverPolicy;\n"), 'no-restricted-imports')).toHaveLength(1);
    expect(rule(lint('apps/gateway/src/probe.int.spec.ts', reachIn), 'no-restricted-syntax')).toHaveLength(2);
  });
});
