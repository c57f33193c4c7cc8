import { UnnormalisableError } from '../errors/unnormalisable.error';
import type { NormalisedCommand } from '../normalised.schema';
import { applyBuiltinEffects } from './builtin-effects';
import { buildCommand, canonicalProgram, FIND_MATCH, findExecCommands, STDIN_ARG, type Invocation } from './command-builder';
import { evaluateRedirects, type EvaluatedRedirects } from './redirect-evaluator';
import type { ShAssign, ShCommand, ShStmt, ShWord } from './shell-ast';
import { parseShell } from './shell-parser';
import { ShellScope } from './shell-scope';
import { StaticEvaluator } from './static-evaluator';
import { addAll, andChain, evaluatorFor, pipeStages, splitAssign, withParams } from './normaliser-helpers';
import type { Substitution } from './word-evaluator';
import { readsScriptFromStdin, unwrap, type Field } from './wrapper-unwrapper';

/** Result of normalising one shell command line. */
export type ShellNormalisation =
  | { readonly ok: true; readonly commands: NormalisedCommand[] }
  | { readonly ok: false; readonly reason: string };

/** Nested scripts (`bash -c`, `eval`, decoded pipes) deeper than this fail closed. */
export const MAX_NESTING = 8;
/** Scripts expanding to more simple commands than this fail closed. */
export const MAX_COMMANDS = 512;

interface Frame {
  readonly scope: ShellScope;
  readonly via: readonly string[];
  readonly level: number;
  readonly depth: number;
}

interface Emitted {
  readonly cmd: NormalisedCommand;
  readonly level: number;
}

interface Pending {
  readonly fields: readonly Field[];
  readonly assigns: readonly { name: string; value: string }[];
  readonly redirects: EvaluatedRedirects;
  readonly variables: readonly string[];
}

/**
 * Walks a shell script the way bash would run it and lists every simple command it can run,
 * in canonical form: wrappers peeled off, nested scripts (`bash -c`, `eval`, here-documents and
 * decoded `… | sh` input) parsed in turn, pipelines and substitutions linked. Pure and
 * synchronous; anything it cannot parse makes the whole line unparseable (fail closed).
 */
export class ShellNormaliser {
  private readonly out: Emitted[] = [];

  private constructor() {}

  /** Normalises `source` as run in `cwd` by a user whose home is `home`. */
  static normalise(source: string, options: { readonly home: string; readonly cwd: string }): ShellNormalisation {
    const normaliser = new ShellNormaliser();
    try {
      normaliser.script(source, { scope: ShellScope.create(options.home, options.cwd), via: [], level: 0, depth: 0 });
    } catch (error) {
      if (error instanceof UnnormalisableError) return { ok: false, reason: error.message };
      throw error;
    }
    return { ok: true, commands: normaliser.out.map((emitted) => emitted.cmd) };
  }

  private script(source: string, frame: Frame): void {
    if (frame.depth > MAX_NESTING) throw new UnnormalisableError(`nested more than ${MAX_NESTING} scripts deep`);
    const parsed = parseShell(source);
    if (!parsed.ok) throw new UnnormalisableError(`unparseable: ${parsed.error}`);
    this.stmts(parsed.stmts, frame);
  }

  private stmts(list: readonly ShStmt[], frame: Frame): void {
    for (const stmt of list) this.stmt(stmt, frame);
  }

  private stmt(stmt: ShStmt, frame: Frame): void {
    const cmd = stmt.cmd;
    if (cmd?.type === 'Call') return this.call(cmd.assigns, cmd.args, stmt, frame);
    if (stmt.redirs.length > 0) this.redirectOnly(stmt, frame);
    if (cmd) this.compound(cmd, frame);
  }

  private compound(cmd: Exclude<ShCommand, { type: 'Call' }>, frame: Frame): void {
    switch (cmd.type) {
      case 'Binary':
        if (cmd.op === '|' || cmd.op === '|&') return this.pipeline([...pipeStages(cmd.x), ...pipeStages(cmd.y)], frame);
        return this.list(cmd.op, cmd.x, cmd.y, frame);
      case 'Block':
        return this.stmts(cmd.stmts, cmd.subshell ? { ...frame, scope: frame.scope.clone() } : frame);
      case 'Time':
        return cmd.stmt ? this.stmt(cmd.stmt, { ...frame, via: [...frame.via, 'time'] }) : undefined;
      case 'Decl':
        return this.declaration(cmd.variant, cmd.assigns, frame);
      case 'Loop':
        return this.loop(cmd, frame);
      case 'Compound':
        this.wordsOnly(cmd.words, frame);
        this.substitutions(cmd.nested.map((stmt) => ({ stmts: [stmt], kind: 'cmd' as const })), '', frame);
        return cmd.bodies.forEach((body) => frame.scope.conditionally(() => this.stmts(body, frame)));
    }
  }

  /**
   * In `a && b && c` each part runs only after the previous ones succeeded, so it sees their
   * effects; after the chain, whatever b and c did is unsure. In `x || y`, y runs after x failed,
   * so x's effects are unsure for y too.
   */
  private list(op: '&&' | '||', x: ShStmt, y: ShStmt, frame: Frame): void {
    if (op === '&&') {
      const [first, ...rest] = [...andChain(x), ...andChain(y)];
      if (first) this.stmt(first, frame);
      return frame.scope.conditionally(() => this.stmts(rest, frame));
    }
    const before = frame.scope.snapshot();
    this.stmt(x, frame);
    frame.scope.uncertainSince(before);
    frame.scope.conditionally(() => this.stmt(y, frame));
  }

  private loop(cmd: Extract<ShCommand, { type: 'Loop' }>, frame: Frame): void {
    const values = this.wordsOnly(cmd.items, frame);
    const only = values.length === 1 && !values[0]?.unresolved ? values[0]?.text : undefined;
    frame.scope.assign(cmd.variable, only);
    cmd.bodies.forEach((body) => frame.scope.conditionally(() => this.stmts(body, frame)));
  }

  private pipeline(stages: readonly ShStmt[], frame: Frame): void {
    const bounds = stages.map((stage) => {
      const start = this.out.length;
      this.stmt(stage, { ...frame, scope: frame.scope.clone() });
      return this.out.slice(start).filter((emitted) => emitted.level === frame.level).map((emitted) => emitted.cmd);
    });
    const programs = bounds.map((cmds) => cmds.map((cmd) => cmd.program).filter((program) => program !== ''));
    bounds.forEach((cmds, index) => {
      for (const cmd of cmds) {
        addAll(cmd.pipedFrom, programs.slice(0, index).flat());
        addAll(cmd.pipedTo, programs.slice(index + 1).flat());
      }
    });
    bounds.forEach((cmds, index) => this.decodedStdin(cmds, stages.slice(0, index), frame));
  }

  /** `echo <base64> | base64 -d | sh`: run the statically known input through the normaliser. */
  private decodedStdin(stageCmds: readonly NormalisedCommand[], upstream: readonly ShStmt[], frame: Frame): void {
    if (upstream.length === 0) return;
    const shell = stageCmds.find((cmd) => readsScriptFromStdin(cmd.program, cmd.args));
    // xargs turns its input into arguments: a statically known input (`echo L2hvbWU= | base64 -d | xargs rm -rf`) is what the command gets.
    const fedByXargs = stageCmds.filter((cmd) => cmd.stdin === undefined && cmd.viaWrapper.includes('xargs'));
    if (!shell && fedByXargs.length === 0) return;
    const text = new StaticEvaluator(frame.scope).pipelineOutput(upstream);
    if (text === undefined) return;
    for (const cmd of fedByXargs) (cmd as { stdin?: string }).stdin = text;
    if (shell) this.nested(text, frame, [...shell.viaWrapper, shell.program], frame.scope.clone());
  }

  private call(assignWords: readonly ShAssign[], args: readonly ShWord[], stmt: ShStmt, frame: Frame): void {
    const words = evaluatorFor(frame.scope);
    const assigns = assignWords.map((assign) => ({ name: assign.name, value: words.evaluateJoined(assign.value ?? { parts: [] }) }));
    const substitutions: Substitution[] = assigns.flatMap((assign) => assign.value.substitutions);
    const evaluated = args.map((word) => words.evaluate(word));
    // Fields, variables and the arguments' substitutions in one pass (no per-word lists: this runs for every simple command).
    const fields: Field[] = [];
    const wordVariables: string[] = [];
    const argSubstitutions: Substitution[] = [];
    for (let i = 0; i < evaluated.length; i++) {
      const word = evaluated[i] as (typeof evaluated)[number];
      for (const text of word.fields) fields.push({ text, unresolved: word.unresolved, glob: word.glob });
      for (const name of word.variables) wordVariables.push(name);
      if (i > 0) for (const substitution of word.substitutions) argSubstitutions.push(substitution);
    }
    const redirects = evaluateRedirects(stmt.redirs, words);
    if (fields.length === 0) {
      assigns.forEach((assign) => frame.scope.assign(assign.name, assign.value.unresolved ? undefined : assign.value.text));
      this.emitBare(assigns.map((assign) => ({ name: assign.name, value: assign.value.text })), redirects, frame);
      return this.substitutions([...substitutions, ...redirects.substitutions], '', frame);
    }
    const pending: Pending = {
      fields,
      assigns: assigns.map((assign) => ({ name: assign.name, value: assign.value.text })),
      redirects,
      variables: redirects.variables.length > 0 ? [...wordVariables, ...redirects.variables] : wordVariables,
    };
    const consumer = this.dispatch(pending, frame);
    this.substitutions(evaluated[0]?.substitutions ?? [], fields[0]?.unresolved ? 'sh' : consumer, frame);
    this.substitutions([...substitutions, ...argSubstitutions, ...redirects.substitutions], consumer, frame);
  }

  /** Peels wrappers, parses nested scripts, emits the command; returns who consumes its arguments. */
  private dispatch(pending: Pending, frame: Frame): string {
    let argv = pending.fields;
    let via = frame.via;
    let stdinArgs = false;
    let partial: { text: string; via: readonly string[] } | undefined;
    const assigns = [...pending.assigns];
    for (let step = unwrap(argv); step.kind !== 'none'; step = unwrap(argv)) {
      if (step.kind === 'script') {
        if (step.script.unresolved) {
          if (step.script.text.includes(STDIN_ARG)) partial = { text: step.script.text, via: [...via, step.wrapper] };
          break;
        }
        const scope = step.wrapper === 'eval' ? frame.scope : withParams(frame.scope, step.params);
        this.nested(step.script.text, frame, [...via, step.wrapper], scope);
        return step.wrapper;
      }
      via = [...via, step.wrapper];
      assigns.push(...step.env.map((field) => splitAssign(field.text)));
      argv = step.argv;
      stdinArgs ||= step.stdinArgs;
    }
    const program = canonicalProgram(argv[0]?.text ?? '');
    if (!argv[0]?.unresolved) applyBuiltinEffects(program, argv.slice(1), frame.scope);
    const cmd = this.emit({ ...this.invocation(pending, frame, via), argv, assigns, stdinArgs }, frame);
    if (partial) this.partlyKnown(partial.text, frame, partial.via);
    if (pending.redirects.stdin !== undefined && readsScriptFromStdin(cmd.program, cmd.args)) {
      this.nested(pending.redirects.stdin, frame, [...via, cmd.program], frame.scope.clone());
    }
    if (cmd.program === 'find') this.findExec(argv, pending, { ...frame, via: [...via, 'find'] });
    if (cmd.program === 'alias') this.aliases(argv.slice(1), { ...frame, via: [...via, 'alias'] });
    return cmd.program;
  }

  /**
   * A script only partly known because xargs fills its `{}` in (`xargs -I{} sh -c 'curl -s {} | sh'`):
   * what its known part does is judged too, after the command itself (which stays dynamic). Text
   * that does not parse leaves only the dynamic command.
   */
  private partlyKnown(source: string, frame: Frame, via: readonly string[]): void {
    const start = this.out.length;
    try {
      this.nested(source, frame, via, frame.scope.clone());
    } catch (error) {
      if (!(error instanceof UnnormalisableError)) throw error;
      this.out.length = start;
    }
  }

  private findExec(argv: readonly Field[], pending: Pending, frame: Frame): void {
    for (const segment of findExecCommands(argv.slice(1).map((field) => field.text))) {
      const fields = segment.map((text) => ({ text, unresolved: text.includes(FIND_MATCH) }));
      if (fields.length > 0) this.dispatch({ ...pending, fields, redirects: { ...pending.redirects, redirects: [], stdin: undefined } }, frame);
    }
  }

  private aliases(args: readonly Field[], frame: Frame): void {
    for (const field of args) {
      const eq = field.text.indexOf('=');
      if (eq > 0 && !field.unresolved) this.nested(field.text.slice(eq + 1), frame, frame.via, frame.scope.clone());
    }
  }

  private nested(source: string, frame: Frame, via: readonly string[], scope: ShellScope): void {
    this.script(source, { scope, via, level: frame.level, depth: frame.depth + 1 });
  }

  private declaration(variant: string, assigns: readonly ShAssign[], frame: Frame): void {
    const words = evaluatorFor(frame.scope);
    const fields: Field[] = [{ text: variant, unresolved: false }];
    const substitutions: Substitution[] = [];
    for (const assign of assigns) {
      const value = assign.value ? words.evaluateJoined(assign.value) : undefined;
      substitutions.push(...(value?.substitutions ?? []));
      if (!assign.name) fields.push({ text: value?.text ?? '', unresolved: value?.unresolved ?? false });
      else if (value) fields.push({ text: `${assign.name}=${value.text}`, unresolved: value.unresolved });
      if (assign.name && value && !assign.complex) frame.scope.assign(assign.name, value.unresolved ? undefined : value.text);
    }
    this.emit({ ...this.invocation(undefined, frame, frame.via), argv: fields }, frame);
    this.substitutions(substitutions, variant, frame);
  }

  private substitutions(list: readonly Substitution[], consumer: string, frame: Frame): void {
    for (const substitution of list) {
      const start = this.out.length;
      const inner: Frame = { ...frame, scope: frame.scope.clone(), level: frame.level + 1 };
      this.stmts(substitution.stmts, inner);
      if (!consumer) continue;
      for (const emitted of this.out.slice(start)) {
        if (emitted.level !== inner.level) continue;
        addAll(substitution.kind === 'proc-out' ? emitted.cmd.pipedFrom : emitted.cmd.pipedTo, [consumer]);
      }
    }
  }

  /** Evaluates words for their substitutions only (loop items, case words). */
  private wordsOnly(list: readonly ShWord[], frame: Frame): Field[] {
    const words = evaluatorFor(frame.scope);
    const evaluated = list.map((word) => words.evaluate(word));
    this.substitutions(evaluated.flatMap((word) => word.substitutions), '', frame);
    return evaluated.flatMap((word) => word.fields.map((text) => ({ text, unresolved: word.unresolved })));
  }

  private redirectOnly(stmt: ShStmt, frame: Frame): void {
    const redirects = evaluateRedirects(stmt.redirs, evaluatorFor(frame.scope));
    this.emitBare([], redirects, frame);
    this.substitutions(redirects.substitutions, '', frame);
  }

  private emitBare(assigns: Invocation['assigns'], redirects: EvaluatedRedirects, frame: Frame): void {
    if (assigns.length === 0 && redirects.redirects.length === 0 && redirects.stdin === undefined) return;
    const pending: Pending = { fields: [], assigns, redirects, variables: redirects.variables };
    this.emit({ ...this.invocation(pending, frame, frame.via), argv: [] }, frame);
  }

  private invocation(pending: Pending | undefined, frame: Frame, via: readonly string[]): Invocation {
    return {
      argv: [],
      assigns: pending?.assigns ?? [],
      redirects: pending?.redirects.redirects ?? [],
      redirectsUnresolved: pending?.redirects.unresolved ?? false,
      ...(pending?.redirects.stdin !== undefined ? { stdin: pending.redirects.stdin } : {}),
      variables: pending?.variables ?? [],
      via,
      inSubstitution: frame.level > 0,
      ...(frame.scope.cwd !== undefined ? { cwd: frame.scope.cwd } : {}),
      stdinArgs: false,
    };
  }

  private emit(invocation: Invocation, frame: Frame): NormalisedCommand {
    if (this.out.length >= MAX_COMMANDS) throw new UnnormalisableError(`more than ${MAX_COMMANDS} commands`);
    const cmd = buildCommand(invocation);
    this.out.push({ cmd, level: frame.level });
    return cmd;
  }
}
