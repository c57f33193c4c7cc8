import type { ShellScope } from './shell-scope';
import type { Field } from './wrapper-unwrapper';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * What builtins do to the walk's state: `cd` moves the working directory, `unset` forgets a
 * variable, and `read`/`mapfile`/`printf -v` give variables values we cannot know.
 */
export function applyBuiltinEffects(program: string, args: readonly Field[], scope: ShellScope): void {
  switch (program) {
    case 'cd':
    case 'pushd':
      return scope.changeDir(cdTarget(args, scope));
    case 'popd':
      return scope.changeDir(undefined);
    case 'unset':
      return operands(args).forEach((field) => scope.unset(field.text));
    case 'read':
    case 'mapfile':
    case 'readarray':
      return operands(args).forEach((field) => scope.assign(field.text, undefined));
    case 'printf':
      return printfTarget(args, scope);
    default:
      return undefined;
  }
}

function cdTarget(args: readonly Field[], scope: ShellScope): string | undefined {
  const target = args.find((field) => !/^-[LPe@]+$/.test(field.text));
  if (!target) return scope.homeDir;
  if (target.unresolved || target.text === '-') return undefined;
  return target.text;
}

function operands(args: readonly Field[]): Field[] {
  return args.filter((field) => !field.unresolved && NAME.test(field.text));
}

function printfTarget(args: readonly Field[], scope: ShellScope): void {
  const index = args.findIndex((field) => field.text === '-v');
  const name = index >= 0 ? args[index + 1] : undefined;
  if (name && NAME.test(name.text)) scope.assign(name.text, undefined);
}
