import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { defineEvent, defineRpc, parseReply, parseRequest, ReplyContractError } from './contract';
import { ALL_RPCS, BUS_EVENTS, DECLARED_SUBJECTS, EVENT_LOG_SUBJECT, RPC, STORED_EVENTS, rpcBySubject } from './contract-table';
import { LighthouseError } from './errors';
import { SUBJECTS } from './subjects';

describe('the contract table', () => {
  it('declares each subject once, each of the versioned shape', () => {
    const subjects = [...ALL_RPCS.map((r) => r.subject), ...Object.values(BUS_EVENTS).map((e) => e.subject as string), EVENT_LOG_SUBJECT];
    expect(subjects.length).toBeGreaterThan(30);
    expect(new Set(subjects).size).toBe(subjects.length);
    for (const subject of subjects) expect(subject).toMatch(/^lh\.[a-z-]+\.(cmd|query|evt)\.[a-z-]+\.v\d+$/);
    expect(DECLARED_SUBJECTS.size).toBe(subjects.length);
  });

  it('gives every event type one definition, delegation events and validation.decided included', () => {
    const types = [...Object.values(STORED_EVENTS), ...Object.values(BUS_EVENTS)].map((e) => e.type);
    expect(new Set(types).size).toBe(types.length);
    expect(Object.keys(STORED_EVENTS)).toEqual(expect.arrayContaining(['delegation.created', 'delegation.expired', 'validation.decided', 'session.created', 'fs.file_written']));
    for (const [type, def] of Object.entries(STORED_EVENTS)) expect(def.type).toBe(type);
  });

  it('keeps SUBJECTS as a view of the table, not a second declaration', () => {
    expect(SUBJECTS.delegation.create).toBe(RPC.delegation.create.subject);
    expect(SUBJECTS.events.committed).toBe(BUS_EVENTS.committed.subject);
    const flat = Object.values(SUBJECTS).flatMap((group) => Object.values(group));
    expect(new Set(flat)).toEqual(DECLARED_SUBJECTS);
  });

  it('finds an rpc by its subject', () => {
    expect(rpcBySubject('lh.events.cmd.append.v1')).toBe(RPC.events.append);
    expect(rpcBySubject('lh.nope.cmd.x.v1')).toBeUndefined();
  });

  it('refuses to define a subject that is not versioned lh.<context>.<kind>.<name>.vN', () => {
    for (const subject of ['lh.session.create.v1', 'lh.session.cmd.create', 'session.cmd.create.v1', 'lh.session.do.create.v1', 'lh.Session.cmd.create.v1']) {
      expect(() => defineRpc({ subject, request: z.object({}), reply: z.object({}) })).toThrow(/not lh\./);
    }
    expect(() => defineEvent({ type: 'x.y', subject: 'lh.x.cmd.y', data: z.object({}) })).toThrow();
    expect(defineEvent({ type: 'x.y', data: z.object({}) }).subject).toBeUndefined();
  });
});

describe('parsing at the edges', () => {
  const rpc = defineRpc({ subject: 'lh.test.query.echo.v1', request: z.strictObject({ n: z.number().int().default(1) }), reply: z.strictObject({ twice: z.number() }) });

  it('given a reply that matches, when parsed, then it is the typed value', () => {
    const reply: { twice: number } = parseReply(rpc, { twice: 4 });
    expect(reply).toEqual({ twice: 4 });
  });

  it('given a reply that does not match, when parsed, then it is a ReplyContractError (code INTERNAL), not a cast', () => {
    const error = (() => {
      try {
        parseReply(rpc, { twice: 'four' });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ReplyContractError);
    expect(error).toBeInstanceOf(LighthouseError);
    expect(error).toMatchObject({ code: 'INTERNAL', subject: 'lh.test.query.echo.v1', message: 'reply on lh.test.query.echo.v1 does not match its contract' });
  });

  it('given a bad request, when parsed, then VALIDATION_FAILED names the field; a good one gets its defaults', () => {
    expect(() => parseRequest(rpc, { n: 'x' })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED', message: expect.stringContaining('n:') }));
    expect(() => parseRequest(rpc, { n: 1, extra: true })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => parseRequest(rpc, null)).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(parseRequest(rpc, {})).toEqual({ n: 1 });
  });

  it('parses a real delegation reply of the router and refuses one with a bad state', () => {
    const now = new Date().toISOString();
    const delegation = {
      id: randomUUID(), kind: 'task', requester: 'a', target: { role: 'r' }, title: 't', body: '', context: {}, state: 'queued', assignee: null,
      claimEpoch: 0, leaseExpiresAt: null, deadline: now, createdAt: now, updatedAt: now, releasedFrom: [], progress: [], result: null, error: null, correlationId: 'c',
    };
    expect(parseReply(RPC.delegation.wait, delegation).state).toBe('queued');
    expect(() => parseReply(RPC.delegation.wait, { ...delegation, state: 'done' })).toThrow(ReplyContractError);
  });
});
