// Disguises of a caught command that must be caught just the same: shell wrappers, sudo/env,
// absolute paths, split quoting, variables, substitutions, backticks, eval and base64 pipes.

/** A generated variant of a corpus command. */
export interface Variant {
  readonly name: string;
  readonly command: string;
}

const SIMPLE_PROGRAM = /^[a-z][a-z0-9._+-]*$/;

/** The variants of `command`; program-word disguises only when it starts with a plain program name. */
export function evasionVariants(command: string): Variant[] {
  const variants: Variant[] = [
    { name: 'bash-lc', command: `bash -lc ${singleQuote(command)}` },
    { name: 'sh-c', command: `sh -c ${singleQuote(command)}` },
    { name: 'eval', command: `eval ${singleQuote(command)}` },
    { name: 'base64-pipe', command: `echo ${Buffer.from(command).toString('base64')} | base64 -d | sh` },
    { name: 'base64-subst', command: `bash -c "$(echo ${Buffer.from(command).toString('base64')} | base64 --decode)"` },
  ];
  const [first = '', ...rest] = command.split(' ');
  if (!SIMPLE_PROGRAM.test(first) || command.includes('\n')) return variants;
  const tail = rest.length > 0 ? ` ${rest.join(' ')}` : '';
  return [
    ...variants,
    { name: 'sudo', command: `sudo ${command}` },
    { name: 'env', command: `env X=1 ${command}` },
    { name: 'nohup-timeout', command: `timeout 30 nohup nice -n 5 ${command}` },
    { name: 'absolute-path', command: `/usr/bin/${first}${tail}` },
    { name: 'split-quotes', command: `${splitQuoted(first)}${tail}` },
    { name: 'backslash', command: `\\${first}${tail}` },
    { name: 'variable', command: `P=${first}; $P${tail}` },
    { name: 'substitution', command: `$(echo ${first})${tail}` },
    { name: 'backticks', command: `\`echo ${first}\`${tail}` },
    { name: 'ansi-c', command: `$'${[...first].map((ch) => `\\x${ch.charCodeAt(0).toString(16)}`).join('')}'${tail}` },
  ];
}

function singleQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function splitQuoted(word: string): string {
  if (word.length < 2) return `'${word}'`;
  const half = Math.ceil(word.length / 2);
  return `'${word.slice(0, half)}''${word.slice(half)}'`;
}
