import type { RE2JS } from 're2js';
import { LiteralGate, type TextTest } from '../policy/literal-gate';
import { memoTest } from '../policy/regex-memo';

/** What a redacted secret is replaced with. */
export const REDACTED = '[REDACTED]';

/** True when any redactor finds a match in `text`. */
export function containsSecret(text: string, redactors: readonly RE2JS[]): boolean {
  return redactors.some((regex) => regex.test(text));
}

/** True when any string anywhere in plain data `value` holds a secret. */
export function containsSecretDeep(value: unknown, redactors: readonly RE2JS[]): boolean {
  if (typeof value === 'string') return containsSecret(value, redactors);
  if (Array.isArray(value)) return value.some((item: unknown) => containsSecretDeep(item, redactors));
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).some((inner) => containsSecretDeep(inner, redactors));
  return false;
}

/**
 * {@link containsSecretDeep} with one detector. Behind a {@link LiteralGate} each string costs one
 * native search for the literals a secret needs; a bare regex tests each distinct string once
 * (a command's words recur in its args, positionals, flags and text), answers for short strings
 * remembered (see {@link memoTest}).
 */
export function detectsSecretDeep(value: unknown, detector: TextTest, seen?: Set<string>): boolean {
  if (detector instanceof LiteralGate) return gatedDeep(value, detector);
  return memoisedDeep(value, detector, seen ?? new Set());
}

function gatedDeep(value: unknown, detector: LiteralGate): boolean {
  if (typeof value === 'string') return detector.test(value);
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (gatedDeep(item, detector)) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const key in value as Record<string, unknown>) if (gatedDeep((value as Record<string, unknown>)[key], detector)) return true;
  }
  return false;
}

function memoisedDeep(value: unknown, detector: TextTest, seen: Set<string>): boolean {
  if (typeof value === 'string') {
    if (seen.has(value)) return false;
    seen.add(value);
    return memoTest(detector, value);
  }
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (memoisedDeep(item, detector, seen)) return true;
    return false;
  }
  if (value && typeof value === 'object') {
    for (const key in value as Record<string, unknown>) if (memoisedDeep((value as Record<string, unknown>)[key], detector, seen)) return true;
  }
  return false;
}

/** `text` with every redactor match replaced by {@link REDACTED}. */
export function redactText(text: string, redactors: readonly RE2JS[]): string {
  let out = text;
  for (const regex of redactors) if (regex.test(out)) out = regex.matcher(out).replaceAll(REDACTED);
  return out;
}

/** A deep copy of plain data with every string redacted. */
export function redactDeep<T>(value: T, redactors: readonly RE2JS[]): T {
  if (typeof value === 'string') return redactText(value, redactors) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => redactDeep(item, redactors)) as T;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => [key, redactDeep(inner, redactors)]);
    return Object.fromEntries(entries) as T;
  }
  return value;
}
