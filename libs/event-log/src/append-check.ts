import type { AppendInput } from './append-types';

/**
 * A fast, allocation-light check that an append is well formed, for the hot path only.
 *
 * `AppendRequestSchema` (zod) stays the one authority: this function answers `undefined`
 * ("not sure") for anything it does not positively recognise, and the caller then runs the schema,
 * which decides and words the error. It may only ever be stricter than the schema, never looser
 * (append-check.spec.ts holds it to that over valid inputs and many mutations of them). Parsing
 * every append with zod cost about a third of the engine's CPU per event: the schema copies every
 * event and its data object, and the garbage outweighed the checks themselves.
 *
 * What it accepts it returns as a shallow copy (a fresh request, fresh event objects, the same
 * `data` objects), as zod's output was, so a caller changing its objects after `append` returns
 * cannot change what the batch then writes.
 */
export function quickCheckedAppend(input: unknown): AppendInput | undefined {
  if (!isPlainObject(input)) return undefined;
  let keys = 0;
  for (const key in input) {
    if (key !== 'events' && key !== 'expectedVersion') return undefined;
    keys++;
  }
  const { events, expectedVersion } = input as { events?: unknown; expectedVersion?: unknown };
  if (keys !== (expectedVersion === undefined ? 1 : 2) || !hasOwn(input, 'events')) return undefined;
  if (expectedVersion !== undefined && !(Number.isSafeInteger(expectedVersion) && (expectedVersion as number) >= 0)) return undefined;
  if (!Array.isArray(events) || events.length < 1 || events.length > 1000) return undefined;
  const copies: AppendInput['events'] = new Array(events.length);
  for (let i = 0; i < events.length; i++) {
    const copy = quickCheckedEvent(events[i]);
    if (!copy) return undefined;
    copies[i] = copy;
  }
  return expectedVersion === undefined ? { events: copies } : { events: copies, expectedVersion: expectedVersion as number };
}

const EVENT_KEYS = 8;
const NAME = /^[A-Za-z0-9_.:/-]+$/;
const AGENT = /^[A-Za-z0-9_.@-]+$/;

/**
 * The first branch of zod's UUID pattern, `z.regexes.uuid()`, spelled out as a loop over the
 * characters (the regex with its three alternatives was the check's largest single cost):
 * hex 8-4-4-4-12 in either case, version digit 1-8, variant digit 8, 9, a or b. The nil and max
 * UUIDs, the pattern's other branches, answer false here and go to the schema.
 */
function isUuid(id: string): boolean {
  if (id.length !== 36) return false;
  for (let position = 0; position < 36; position++) {
    const code = id.charCodeAt(position);
    if (position === 8 || position === 13 || position === 18 || position === 23) {
      if (code !== 45) return false;
    } else if (!((code >= 48 && code <= 57) || (code >= 97 && code <= 102) || (code >= 65 && code <= 70))) {
      return false;
    }
  }
  const version = id.charCodeAt(14);
  const variant = id.charCodeAt(19) | 0x20;
  return version >= 49 && version <= 56 && (variant === 56 || variant === 57 || variant === 97 || variant === 98);
}

function quickCheckedEvent(event: unknown): AppendInput['events'][number] | undefined {
  if (!isPlainObject(event)) return undefined;
  let keys = 0;
  for (const key in event) {
    if (!hasOwn(event, key)) return undefined;
    keys++;
  }
  if (keys !== EVENT_KEYS) return undefined;
  const e = event as Record<string, unknown>;
  const { id, type, stream, agent, correlationId, causationId, schemaVersion, data } = e;
  if (!(typeof id === 'string' && isUuid(id))) return undefined;
  if (!(isName(type) && isName(stream))) return undefined;
  if (!(typeof agent === 'string' && agent.length >= 1 && agent.length <= 128 && AGENT.test(agent))) return undefined;
  if (!(isLabel(correlationId) && (causationId === null || isLabel(causationId)))) return undefined;
  if (!(Number.isSafeInteger(schemaVersion) && (schemaVersion as number) >= 1 && (schemaVersion as number) <= 1000)) return undefined;
  if (!isPlainData(data)) return undefined;
  return { id, type, stream, agent, correlationId, causationId, schemaVersion: schemaVersion as number, data } as AppendInput['events'][number];
}

const isName = (value: unknown): value is string => typeof value === 'string' && value.length >= 1 && value.length <= 200 && NAME.test(value);
const isLabel = (value: unknown): value is string => typeof value === 'string' && value.length >= 1 && value.length <= 128;
const hasOwn = (object: object, key: string): boolean => Object.prototype.hasOwnProperty.call(object, key);

/** A plain object (Object.prototype or null prototype), not an array, no getters on its prototype chain. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** A data record only of ordinary string keys; anything unusual is left to the schema. */
function isPlainData(value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  if (hasOwn(value, '__proto__')) return false;
  return Object.getOwnPropertySymbols(value).length === 0;
}
