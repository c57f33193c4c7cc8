import type { z } from 'zod';
import { LighthouseError } from './errors';

/** `lh.<context>.<cmd|query|evt>.<name>.v<N>`: the shape of every Lighthouse subject. */
export const SUBJECT_SHAPE = /^lh\.[a-z][a-z0-9-]*\.(cmd|query|evt)\.[a-z][a-z0-9-]*\.v[1-9][0-9]*$/;

/**
 * One request/reply over NATS: its subject and the schemas of what is sent and answered,
 * declared together once. The bus takes the definition, so the reply type follows from it and
 * the reply is parsed on arrival; a handler declared for it parses its input.
 */
export interface RpcDefinition<Req extends z.ZodType = z.ZodType, Rep extends z.ZodType = z.ZodType> {
  readonly kind: 'rpc';
  readonly subject: string;
  readonly request: Req;
  readonly reply: Rep;
}

/**
 * One event type: what its `data` holds. Events that also travel on a NATS subject of their own
 * (published to subscribers, not only stored) name it in `subject`.
 */
export interface EventDefinition<T extends string = string, D extends z.ZodType = z.ZodType> {
  readonly kind: 'event';
  readonly type: T;
  readonly data: D;
  readonly subject?: string;
}

/** What a caller sends (before defaults are applied by the handler's parse). */
export type RpcRequest<R extends RpcDefinition> = z.input<R['request']>;
/** What a handler receives: the parsed request. */
export type RpcParsedRequest<R extends RpcDefinition> = z.output<R['request']>;
/** What a caller receives: the parsed reply. */
export type RpcReply<R extends RpcDefinition> = z.output<R['reply']>;
/** What a handler may answer. */
export type RpcReplyInput<R extends RpcDefinition> = z.input<R['reply']>;
/** The data of an event, as its schema outputs it. */
export type EventData<E extends EventDefinition> = z.output<E['data']>;

function checkSubject(subject: string): void {
  if (!SUBJECT_SHAPE.test(subject)) throw new Error(`subject ${subject} is not lh.<context>.<cmd|query|evt>.<name>.v<N>`);
}

/** Declares an rpc; a subject not of the versioned shape fails at load, not at the first call. */
export function defineRpc<Req extends z.ZodType, Rep extends z.ZodType>(def: { subject: string; request: Req; reply: Rep }): RpcDefinition<Req, Rep> {
  checkSubject(def.subject);
  return Object.freeze({ kind: 'rpc' as const, ...def });
}

/** Declares an event type (and the subject it is published on, when it has one). */
export function defineEvent<T extends string, D extends z.ZodType>(def: { type: T; data: D; subject?: string }): EventDefinition<T, D> {
  if (def.subject !== undefined) checkSubject(def.subject);
  return Object.freeze({ kind: 'event' as const, ...def });
}

/**
 * A reply that does not match its rpc's reply schema: the callee broke the contract. It carries
 * the stable code INTERNAL on the wire, and the zod error as its cause for the logs.
 */
export class ReplyContractError extends LighthouseError {
  constructor(
    readonly subject: string,
    cause: unknown,
  ) {
    super('INTERNAL', `reply on ${subject} does not match its contract`, { cause });
    this.name = 'ReplyContractError';
  }
}

/** Parses a reply against its rpc; a mismatch is a {@link ReplyContractError}, never a cast. */
export function parseReply<R extends RpcDefinition>(rpc: R, reply: unknown): RpcReply<R> {
  const parsed = rpc.reply.safeParse(reply);
  if (!parsed.success) throw new ReplyContractError(rpc.subject, parsed.error);
  return parsed.data as RpcReply<R>;
}

/** Parses a request against its rpc; a mismatch is VALIDATION_FAILED with the first issues. */
export function parseRequest<R extends RpcDefinition>(rpc: R, request: unknown): RpcParsedRequest<R> {
  const parsed = rpc.request.safeParse(request);
  if (!parsed.success) throw new LighthouseError('VALIDATION_FAILED', describeIssues(parsed.error.issues));
  return parsed.data as RpcParsedRequest<R>;
}

/** One line per issue, `path: message`, capped so an error never grows without bound. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 10)
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('; ');
}
