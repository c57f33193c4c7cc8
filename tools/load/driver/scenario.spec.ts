import { join } from 'node:path';
import { expertCount, fillTemplate, gatewayOperations, loadScenario, operationOf, parseDuration, pickWeighted, targetOperations } from './scenario';

const scenario = loadScenario(join(__dirname, '..', '..', '..'));

describe('the scenario description (scenarios.json)', () => {
  it('names every operation its mix and targets measure', () => {
    const known = Object.keys(scenario.operations);
    for (const entry of scenario.mix) expect(known).toContain(operationOf(entry));
    for (const target of scenario.targets) for (const op of targetOperations(scenario, target)) expect(known).toContain(op);
  });

  it('has commands for every kind of validation in the mix, and a fresh value in each new and escalating one', () => {
    for (const entry of scenario.mix) if (entry.action === 'validate') expect(scenario.commands[entry.kind].length).toBeGreaterThan(0);
    for (const kind of ['new', 'escalate'] as const) for (const call of scenario.commands[kind]) expect(JSON.stringify(call)).toContain('{n}');
  });

  it('keeps long polls and derived figures out of the gateway latency target', () => {
    const ops = gatewayOperations(scenario);
    expect(ops).toEqual(expect.arrayContaining(['validate.repeat', 'heartbeat', 'delegation.create', 'session.create']));
    expect(ops).not.toEqual(expect.arrayContaining(['delegation.next']));
    expect(ops).not.toContain('delegation.wait');
    expect(ops).not.toContain('delegation.round_trip');
    expect(ops).not.toContain('baseline.live');
  });

  it('gives every process of the stack a memory limit', () => {
    for (const service of ['gateway', 'session-registry', 'speed-layer', 'delegation-router', 'event-store', 'fuse-mounter', 'nats-server']) {
      expect(scenario.memoryLimitsMiB[service]).toBeGreaterThan(0);
    }
  });
});

describe('scenario helpers', () => {
  it('picks by weight', () => {
    const items = [
      { name: 'a', weight: 3 },
      { name: 'b', weight: 1 },
    ];
    expect(pickWeighted(items, 0).name).toBe('a');
    expect(pickWeighted(items, 0.74).name).toBe('a');
    expect(pickWeighted(items, 0.75).name).toBe('b');
    expect(pickWeighted(items, 0.999).name).toBe('b');
  });

  it('fills {n} everywhere in a tool call and leaves the template alone', () => {
    const template = { tool: 'Write', input: { file_path: 'src/{n}.ts', content: "x = '{n}'", lines: ['{n}', 3] } };
    expect(fillTemplate(template, '7')).toEqual({ tool: 'Write', input: { file_path: 'src/7.ts', content: "x = '7'", lines: ['7', 3] } });
    expect(template.input.file_path).toBe('src/{n}.ts');
  });

  it('reads k6 durations', () => {
    expect(parseDuration('30s')).toBe(30);
    expect(parseDuration('1m30s')).toBe(90);
    expect(parseDuration('500ms')).toBe(0.5);
    expect(() => parseDuration('30')).toThrow(/not a duration/);
    expect(() => parseDuration('30s!')).toThrow(/not a duration/);
  });

  it('makes a tenth of the agents experts, and at least one', () => {
    expect(expertCount(scenario, 1000)).toBe(100);
    expect(expertCount(scenario, 100)).toBe(10);
    expect(expertCount(scenario, 3)).toBe(1);
  });
});
