import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { PolicyLoadError, type PolicyProblem } from '../errors/policy-load.error';
import type { CompiledPolicy } from './compiled-policy';
import { compilePolicy } from './policy-compiler';
import { PolicyDocumentSchema } from './policy.schema';

const DEFAULT_POLICY_RELATIVE = join('libs', 'policy', 'policies', 'default.yaml');

let defaultPolicy: CompiledPolicy | undefined;

/** Parses and compiles a policy from YAML text; throws PolicyLoadError listing every problem. */
export function parsePolicy(yamlText: string): CompiledPolicy {
  const doc = parseDocument(yamlText, { uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new PolicyLoadError(doc.errors.map((error) => ({ path: 'yaml', message: error.message })), { cause: doc.errors[0] });
  }
  const raw: unknown = doc.toJS({ maxAliasCount: 100 });
  const parsed = PolicyDocumentSchema.safeParse(raw);
  if (!parsed.success) throw new PolicyLoadError(parsed.error.issues.map((issue) => toProblem(raw, issue)), { cause: parsed.error });
  return compilePolicy(parsed.data);
}

/** Loads a policy file. */
export function loadPolicyFile(path: string): CompiledPolicy {
  return parsePolicy(readFileSync(path, 'utf8'));
}

/**
 * Where the shipped default policy is: beside the library sources, or — in a bundle under
 * dist/ — found by walking up (from the bundle, then from the working directory) to the
 * workspace's libs/policy/policies/default.yaml. Deployments may pass their own path instead.
 */
export function defaultPolicyPath(): string {
  const beside = resolve(__dirname, '..', '..', 'policies', 'default.yaml');
  if (existsSync(beside)) return beside;
  for (const start of [__dirname, process.cwd()]) {
    for (let dir = start; dir !== dirname(dir); dir = dirname(dir)) {
      const candidate = join(dir, DEFAULT_POLICY_RELATIVE);
      if (existsSync(candidate)) return candidate;
    }
  }
  throw new PolicyLoadError([{ path: DEFAULT_POLICY_RELATIVE, message: `default policy not found from ${__dirname}` }]);
}

/** The shipped default policy (libs/policy/policies/default.yaml), loaded once. */
export function loadDefaultPolicy(): CompiledPolicy {
  defaultPolicy ??= loadPolicyFile(defaultPolicyPath());
  return defaultPolicy;
}

function toProblem(raw: unknown, issue: { readonly path: readonly PropertyKey[]; readonly message: string }): PolicyProblem {
  const path = issue.path.map((part) => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('').replace(/^\./, '');
  return { path, message: issue.message, ...ruleIdAt(raw, issue.path) };
}

/** The id of the rule an issue is in, when the raw document has one there. */
function ruleIdAt(raw: unknown, path: readonly PropertyKey[]): { ruleId?: string } {
  if (path[0] !== 'rules' || typeof path[1] !== 'number') return {};
  const rules = (raw as { rules?: unknown } | null)?.rules;
  const rule: unknown = Array.isArray(rules) ? rules[path[1]] : undefined;
  const id = rule && typeof rule === 'object' ? (rule as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? { ruleId: id } : {};
}
