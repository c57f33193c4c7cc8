import { InvalidContextError } from '../errors/invalid-context.error';
import { normalise, parseContext } from './tool-call-normaliser';
import { DecisionContextSchema, type DecisionContextInput } from './tool-call.schema';

const context = { workspaceRoot: '/code/project', homeDir: '/home/agent' };

describe('normalise', () => {
  it('given a Bash call, when normalised, then commands are listed and the environment recorded with defaults', () => {
    const call = normalise({ tool: 'bash', input: { command: 'git status' } }, context);
    expect(call).toMatchObject({ tool: 'Bash', kind: 'shell', source: 'git status', env: { tmpDirs: ['/tmp', '/var/tmp'], environment: 'local' } });
    expect(call.commands.map((cmd) => cmd.text)).toEqual(['git status']);
  });

  it('given write tools, when normalised, then the path is resolved and the written content kept', () => {
    expect(normalise({ tool: 'Write', input: { file_path: 'src/../a.ts', content: 'x' } }, context).file).toEqual({ path: '/code/project/a.ts', access: 'write', content: 'x' });
    const multi = normalise({ tool: 'MultiEdit', input: { file_path: 'a.ts', edits: [{ old_string: 'a', new_string: 'b' }, { old_string: 'c', new_string: 'd' }] } }, context);
    expect(multi.file?.content).toBe('b\nd');
  });

  it('given read tools, when normalised, then the access is read (Grep defaults to the workspace)', () => {
    expect(normalise({ tool: 'Read', input: { file_path: '~/.aws/credentials' } }, context).file).toEqual({ path: '/home/agent/.aws/credentials', access: 'read' });
    expect(normalise({ tool: 'Grep', input: { pattern: 'TODO' } }, context).file).toEqual({ path: '/code/project', access: 'read', content: 'TODO' });
  });

  it('given bad agent input, when normalised, then a failure value comes back instead of an exception', () => {
    expect(normalise({ tool: 'Bash', input: {} }, context).failure?.kind).toBe('invalid-input');
    expect(normalise({ tool: 'Bash', input: { command: 'echo "' } }, context).failure?.kind).toBe('unparseable');
    expect(normalise({ tool: 'Read', input: { file_path: '/dev/fd/0' } }, context).failure?.kind).toBe('suspicious-path');
    expect(normalise({ tool: 'mcp__x__y', input: {} }, context)).toMatchObject({ tool: 'other:mcp__x__y', failure: { kind: 'unknown-tool' } });
  });

  it('given other tools, when normalised, then their input is kept as stable JSON content', () => {
    const a = normalise({ tool: 'WebFetch', input: { url: 'u', prompt: 'p' } }, context);
    const b = normalise({ tool: 'WebFetch', input: { prompt: 'p', url: 'u' } }, context);
    expect(a.content).toBe('{"prompt":"p","url":"u"}');
    expect(b.content).toBe(a.content);
  });

  it('given a malformed context, when normalised, then InvalidContextError names the problem', () => {
    expect(() => normalise({ tool: 'Bash', input: { command: 'ls' } }, { workspaceRoot: 'relative', homeDir: '/h' })).toThrow(InvalidContextError);
  });
});

describe('parseContext', () => {
  const pathExists = () => true;
  const inputs: readonly Record<string, unknown>[] = [
    { workspaceRoot: '/w', homeDir: '/home/a' },
    { workspaceRoot: '/w', homeDir: '/home/a', cwd: '/w/src', environment: 'pod', tmpDirs: ['/scratch'], pathExists },
    { workspaceRoot: '/w', homeDir: '/home/a', environment: 'x'.repeat(64) },
  ];

  it.each(inputs.map((input) => [JSON.stringify(input), input] as const))('given %s, when parsed, then the answer is the schema\'s', (_name, input) => {
    expect(parseContext(input as DecisionContextInput)).toEqual(DecisionContextSchema.parse(input));
  });

  it.each([
    [{ workspaceRoot: 'w', homeDir: '/home/a' }],
    [{ workspaceRoot: '/w', homeDir: '/home/a', environment: '' }],
    [{ workspaceRoot: '/w', homeDir: '/home/a', environment: 'x'.repeat(65) }],
    [{ workspaceRoot: '/w', homeDir: '/home/a', tmpDirs: ['tmp'] }],
    [{ workspaceRoot: '/w', homeDir: '/home/a\0' }],
    [{ workspaceRoot: '/w', homeDir: '/home/a', extra: 1 }],
    [{ workspaceRoot: '/w', homeDir: '/home/a', pathExists: 'yes' }],
  ])('given the invalid context %j, when parsed, then it is refused like the schema refuses it', (input) => {
    expect(() => parseContext(input as unknown as DecisionContextInput)).toThrow(InvalidContextError);
    expect(DecisionContextSchema.safeParse(input).success).toBe(false);
  });
});
