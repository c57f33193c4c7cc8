import { decide } from '../engine/decide';
import type { Decision } from '../engine/decision.schema';
import type { CompiledPolicy } from '../policy/compiled-policy';
import type { DecisionContextInput, ToolCall } from '../tool/tool-call.schema';
import type { CorpusCase } from './corpus-case.schema';

/** Where every corpus case runs unless it says otherwise. */
export const CORPUS_WORKSPACE = '/code/project';
/** Home directory of the corpus agent. */
export const CORPUS_HOME = '/home/agent';

/** The tool call a corpus row describes. */
export function toolCallOf(row: CorpusCase, command = row.command): ToolCall {
  if (command !== undefined) return { tool: 'Bash', input: { command } };
  return { tool: row.tool ?? 'Bash', input: row.input ?? {} };
}

/** The decision context a corpus row describes. */
export function contextOf(row: CorpusCase): DecisionContextInput {
  const existing = row.context?.existing;
  return {
    workspaceRoot: CORPUS_WORKSPACE,
    homeDir: CORPUS_HOME,
    environment: row.context?.environment ?? 'local',
    ...(existing ? { pathExists: (path: string) => existing.includes(path) } : {}),
  };
}

/** Decides one corpus row (or one variant of its command) with `policy`. */
export function runCase(row: CorpusCase, policy: CompiledPolicy, command?: string): Decision {
  return decide(toolCallOf(row, command ?? row.command), contextOf(row), policy);
}
