import { createHash } from 'node:crypto';
import type { NormalisedCommand, NormalisedToolCall } from '../normalised.schema';
import { stableJson } from '../tool/tool-call-normaliser';

/** Bumped whenever the canonical form changes, so old cache entries stop matching. */
export const DECISION_KEY_VERSION = 'lh1';

const FROZEN_KEYS = new WeakMap<NormalisedToolCall, string>();

/**
 * The canonical form of a normalised call: every field a policy rule or the pattern model can
 * read, in a stable order, and nothing else (`/usr/bin/git` and `git` spell the same program;
 * flags are canonical and sorted). File content is represented by its SHA-256.
 */
export function canonicalForm(call: NormalisedToolCall): string {
  return stableJson({
    tool: call.tool,
    kind: call.kind,
    env: call.env,
    commands: call.commands.map(canonicalCommand),
    file: call.file && { path: call.file.path, access: call.file.access, content: call.file.content === undefined ? null : sha256(call.file.content) },
    content: call.content === undefined ? null : sha256(call.content),
    failure: call.failure && { ...call.failure, source: call.source ?? null },
  });
}

/**
 * A short, stable key for the memory tier: equal for semantically identical calls (`git  push -f
 * origin main` and `/usr/bin/git push --force origin main`), and free of secrets (it is a hash).
 */
export function decisionKey(call: NormalisedToolCall): string {
  const known = FROZEN_KEYS.get(call);
  if (known !== undefined) return known;
  const key = `${DECISION_KEY_VERSION}:${sha256(canonicalForm(call))}`;
  // Only frozen calls (from NormalisationCache) can be memoised: anything else may still change.
  if (Object.isFrozen(call)) FROZEN_KEYS.set(call, key);
  return key;
}

function canonicalCommand(command: NormalisedCommand): Omit<NormalisedCommand, 'programPath'> {
  const { programPath: _path, ...rest } = command;
  return rest;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
