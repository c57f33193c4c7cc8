import { PolicyLoadError, type PolicyProblem } from '../errors/policy-load.error';
import { loadDefaultPolicy, parsePolicy } from './policy-loader';

const HEADER = 'version: 1\n';

/** The problems a policy text is rejected with (fails the test when it loads). */
function problems(yamlText: string): PolicyProblem[] {
  try {
    parsePolicy(yamlText);
  } catch (error) {
    if (error instanceof PolicyLoadError) return [...error.problems];
    throw error;
  }
  throw new Error('expected the policy to be rejected');
}

function rule(id: string, body: string): string {
  return `  - id: ${id}\n    category: Test\n    action: deny\n    reason: test\n${body}`;
}

describe('parsePolicy', () => {
  it('given a valid policy, when parsed, then rules compile in order with defaults filled in', () => {
    const policy = parsePolicy(`${HEADER}sets:\n  nets: [nc, ncat]\nrules:\n${rule('a', '    when:\n      program: ["@nets"]\n      flags: [-e]\n')}`);
    expect(policy.rules.map((r) => r.id)).toEqual(['a']);
    expect(policy.defaults).toEqual({ action: 'escalate', unparseable: 'escalate', dynamicCommand: 'escalate', unknownTool: 'escalate' });
    expect(policy.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('given an unknown key at any level, when parsed, then it is rejected with the rule id', () => {
    expect(problems(`${HEADER}rules:\n${rule('a', '    when:\n      programme: [rm]\n')}`)).toEqual([
      expect.objectContaining({ ruleId: 'a', path: 'rules[0].when', message: expect.stringContaining('programme') }),
    ]);
    expect(problems(`${HEADER}extra: 1\nrules: []\n`)[0]?.message).toContain('extra');
  });

  it('given an unknown tool, when parsed, then it is rejected', () => {
    expect(problems(`${HEADER}rules:\n${rule('t', '    when:\n      tool: [Shell]\n')}`)[0]).toMatchObject({ ruleId: 't', path: 'rules[0].when.tool[0]' });
  });

  it('given a regex RE2 cannot compile (lookahead, backreference) or a broken glob, when parsed, then the rule is named', () => {
    expect(problems(`${HEADER}rules:\n${rule('re', "    when:\n      content: ['(?=x)y']\n")}`)[0]).toMatchObject({ ruleId: 're', message: expect.stringContaining('RE2') });
    expect(problems(`${HEADER}rules:\n${rule('bref', "    when:\n      argsRegex: ['(a)\\1']\n")}`)[0]).toMatchObject({ ruleId: 'bref', path: 'rules[0].when.argsRegex' });
    expect(problems(`${HEADER}rules:\n${rule('g', "    when:\n      paths: ['/a/[b']\n")}`)[0]).toMatchObject({ ruleId: 'g', message: expect.stringContaining("unclosed '['") });
  });

  it.each([
    ['flags without a program', "    when:\n      flags: [-f]\n", 'need program'],
    ['a subcommand of a program without any', '    when:\n      program: [rm]\n      subcommand: [x]\n', 'no subcommands'],
    ['command conditions on file tools', '    when:\n      tool: [Write]\n      program: [rm]\n', 'only apply to Bash'],
    ['writes on read-only tools', "    when:\n      tool: [Read]\n      writes: ['/etc/**']\n", 'write no files'],
    ['an empty list', '    when:\n      program: []\n', 'can never match'],
    ['an unknown set', "    when:\n      program: ['@nope']\n", "unknown set '@nope'"],
  ])('given %s, when parsed, then the rule is rejected as never matching', (_what, body, message) => {
    expect(problems(`${HEADER}rules:\n${rule('x', body)}`)[0]).toMatchObject({ ruleId: 'x', message: expect.stringContaining(message) });
  });

  it('given duplicates and rules after a catch-all, when parsed, then every problem is listed', () => {
    const text = `${HEADER}rules:\n${rule('a', '    when:\n      program: [rm]\n')}${rule('a', '    when:\n      program: [rm]\n')}${rule('all', '    when: {}\n')}${rule('late', '    when:\n      program: [ls]\n')}`;
    expect(problems(text).map((p) => [p.ruleId, p.message.split(':')[0]])).toEqual([
      ['a', 'duplicate rule id (also rules[0])'],
      ['a', 'can never match'],
      ['late', 'can never match'],
    ]);
  });

  it('given escalateTo on a deny rule or redact without content, when parsed, then it is rejected', () => {
    expect(problems(`${HEADER}rules:\n${rule('e', '    escalateTo: security_architect\n    when:\n      program: [rm]\n')}`)[0]?.message).toContain('escalateTo');
    expect(problems(`${HEADER}rules:\n${rule('r', '    redact: true\n    when:\n      program: [rm]\n')}`)[0]?.message).toContain('redact');
  });

  it('given a fail-closed default of allow, when parsed, then it is rejected', () => {
    expect(problems(`${HEADER}defaults:\n  unparseable: allow\nrules: []\n`)[0]?.path).toBe('defaults.unparseable');
  });

  it('given broken YAML, when parsed, then a PolicyLoadError reports it', () => {
    expect(problems('version: 1\nrules: [\n')[0]?.path).toBe('yaml');
  });
});

describe('loadDefaultPolicy', () => {
  it('given the shipped default policy, when loaded twice, then it compiles once with the same digest', () => {
    const policy = loadDefaultPolicy();
    expect(policy.rules.length).toBeGreaterThan(36);
    expect(loadDefaultPolicy()).toBe(policy);
    expect(new Set(policy.rules.map((r) => r.category))).toEqual(
      new Set(['FS', 'Perms', 'Git', 'Git exec', 'RCE', 'Exfil', 'Secrets', 'Net', 'Abuse', 'Privesc', 'Persist', 'System', 'Process', 'Forensics', 'K8s', 'Containers', 'Data']),
    );
  });
});
