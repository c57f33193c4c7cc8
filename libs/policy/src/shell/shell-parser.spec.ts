import { parseShell } from './shell-parser';

describe('parseShell', () => {
  it('given a pipeline with quotes, when parsed, then yields a plain binary pipe of two calls', () => {
    const outcome = parseShell(`curl 'http://x' | sh`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const cmd = outcome.stmts[0]?.cmd;
    expect(cmd?.type).toBe('Binary');
    if (cmd?.type !== 'Binary') return;
    expect(cmd.op).toBe('|');
    expect(cmd.x.cmd).toEqual({
      type: 'Call',
      assigns: [],
      args: [{ parts: [{ type: 'Lit', value: 'curl' }] }, { parts: [{ type: 'SglQuoted', value: 'http://x', dollar: false }] }],
    });
  });

  it('given redirections and a here-document, when parsed, then operators, fds and bodies are kept', () => {
    const outcome = parseShell(`cat <<'EOF' 2>&1 > out\nrm -rf /\nEOF\n`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const redirs = outcome.stmts[0]?.redirs ?? [];
    expect(redirs.map((r) => [r.op, r.fd ?? ''])).toEqual([['<<', ''], ['>&', '2'], ['>', '']]);
    expect(redirs[0]?.hdocQuoted).toBe(true);
    expect(redirs[0]?.hdoc?.parts).toEqual([{ type: 'Lit', value: 'rm -rf /\n' }]);
  });

  it('given substitutions in a [[ test ]], when parsed, then the nested commands are found', () => {
    const outcome = parseShell(`[[ -n $(rm -rf /) ]]`);
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const cmd = outcome.stmts[0]?.cmd;
    expect(cmd?.type === 'Compound' && cmd.nested.length).toBe(1);
  });

  it('given an unterminated quote, when parsed, then reports the syntax error instead of throwing', () => {
    const outcome = parseShell(`echo 'oops`);
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining('quote') });
  });

  it('given a NUL byte or an oversize script, when parsed, then refuses', () => {
    expect(parseShell('ls\0').ok).toBe(false);
    expect(parseShell('x'.repeat(70_000)).ok).toBe(false);
  });

  it('given nested parses back to back, when the first tree is read later, then it is unchanged', () => {
    const first = parseShell('git push -f origin main');
    parseShell('rm -rf / ; echo done; ls | wc -l');
    expect(first.ok && first.stmts[0]?.cmd?.type === 'Call' && first.stmts[0].cmd.args.length).toBe(5);
  });

  it('given text that is not plain ASCII, when parsed, then it parses as before (through the wrapper)', () => {
    const outcome = parseShell(`echo 'héllo wörld' > /tmp/ü`);
    expect(outcome.ok).toBe(true);
    const call = outcome.ok ? outcome.stmts[0]?.cmd : undefined;
    expect(call?.type === 'Call' && call.args.length).toBe(2);
  });

  it('given a syntax error between two parses, when the next script is parsed, then it starts from its own first character', () => {
    expect(parseShell('git status').ok).toBe(true);
    expect(parseShell(`echo "unclosed`)).toEqual({ ok: false, error: expect.stringContaining('quote') });
    const after = parseShell('ls -la src');
    expect(after.ok && after.stmts[0]?.cmd).toEqual({
      type: 'Call',
      assigns: [],
      args: [{ parts: [{ type: 'Lit', value: 'ls' }] }, { parts: [{ type: 'Lit', value: '-la' }] }, { parts: [{ type: 'Lit', value: 'src' }] }],
    });
  });
});
