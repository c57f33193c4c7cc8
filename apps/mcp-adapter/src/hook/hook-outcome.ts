import type { LighthouseError, ValidationResult } from '@lighthouse/contracts';

/** What the hook process does: its exit code and what it prints (Claude Code hooks protocol). */
export interface HookOutcome {
  /** 0: Claude Code reads stdout (JSON) for a decision; 2: blocked, stderr is the reason Claude sees. */
  exitCode: 0 | 2;
  stdout?: string;
  stderr?: string;
}

/** Tools that change the machine: without a decision from Lighthouse they do not run (fail closed). */
export const FAIL_CLOSED_TOOLS = new Set(['Bash', 'Write', 'Edit', 'MultiEdit', 'NotebookEdit']);
/** Tools that only read the workspace: without a decision they run, with a warning. */
export const READ_ONLY_TOOLS = new Set(['Read', 'Glob', 'Grep', 'LS', 'NotebookRead', 'TodoRead', 'TodoWrite', 'WebSearch']);

export type OnAllow = 'allow' | 'defer' | 'always';

/** Allows that are a judgement (a rule's or an expert's), not just the absence of a visible risk. */
const JUDGED = new Set<ValidationResult['basis']>(['rule', 'expert']);

const preToolUse = (permissionDecision: 'allow' | 'ask', permissionDecisionReason: string, systemMessage?: string) =>
  JSON.stringify({ ...(systemMessage ? { systemMessage } : {}), hookSpecificOutput: { hookEventName: 'PreToolUse', permissionDecision, permissionDecisionReason } });

/** Where a human answers escalations: the console's page of them, on the gateway the agent uses. */
export function consoleLink(gatewayUrl: string | undefined): string {
  return gatewayUrl ? `. An operator can answer it in the Lighthouse console: ${gatewayUrl.replace(/\/+$/, '')}/console/escalations` : '';
}

function describe(result: ValidationResult): string {
  const by = result.ruledBy ? `ruled by ${result.ruledBy}` : result.ruleId ? `${result.tier} rule ${result.ruleId}` : `${result.tier} tier`;
  return `${result.reason} (${by}; decision ${result.decisionId})`;
}

/**
 * Lighthouse's decision as the hook's answer: a rule's or an expert's allow lets the call run
 * (skipping Claude Code's prompt, unless `defer`); an allow on no risk seen prints nothing, so
 * Claude Code's own permission rules decide (unless `always`); deny blocks the call with the
 * reason (exit 2); escalate asks the human.
 */
export function outcomeOfDecision(tool: string, result: ValidationResult, onAllow: OnAllow, gatewayUrl?: string): HookOutcome {
  switch (result.decision) {
    case 'allow': {
      const explicit = onAllow === 'always' || (onAllow === 'allow' && JUDGED.has(result.basis));
      return explicit ? { exitCode: 0, stdout: preToolUse('allow', `Lighthouse allowed this ${tool} call: ${describe(result)}`) } : { exitCode: 0 };
    }
    case 'deny':
      return { exitCode: 2, stderr: `Lighthouse denied this ${tool} call: ${describe(result)}` };
    case 'escalate':
      return { exitCode: 0, stdout: preToolUse('ask', `Lighthouse asks a human to confirm this ${tool} call: ${describe(result)}${consoleLink(gatewayUrl)}`) };
    default:
      return outcomeWithoutDecision(tool, { code: 'INTERNAL', message: `unknown decision ${JSON.stringify(result.decision)}` });
  }
}

/**
 * No decision (gateway unreachable or too slow, credential refused, misconfiguration): shell and
 * write tools are blocked and the reason says why; read-only tools run with a warning; any
 * other tool is put to the human.
 */
export function outcomeWithoutDecision(tool: string, failure: Pick<LighthouseError, 'code' | 'message'>): HookOutcome {
  const why = `${failure.code}: ${failure.message}`;
  if (FAIL_CLOSED_TOOLS.has(tool)) {
    return { exitCode: 2, stderr: `Lighthouse could not validate this ${tool} call, so it is blocked (fail closed). ${why}` };
  }
  if (READ_ONLY_TOOLS.has(tool)) {
    return { exitCode: 0, stdout: JSON.stringify({ systemMessage: `Lighthouse could not validate this ${tool} call; read-only, so it runs unvalidated. ${why}` }) };
  }
  return { exitCode: 0, stdout: preToolUse('ask', `Lighthouse could not validate this ${tool} call, so a human decides. ${why}`) };
}
