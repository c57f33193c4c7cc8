/**
 * Lua scripts the registry runs in Redis, so each check-and-change is atomic across replicas.
 * Each touches the keys of one agent only (one hash slot).
 */

/**
 * Authorizes a request of a session and, for a change, consumes its nonce and keeps the session
 * (and the expert registration it made) alive; an authorized caller's expert registration comes
 * back with the answer, so a caller that needs both spends one Redis round trip, not two.
 *
 * KEYS: session, revokedAt, nonce, expert
 * ARGV: sessionStartedS, nowMs, idleMs, nonceTtlS, mode ('query' | 'change'), sessionId
 * Returns { status, absExpMs, idleExpMs, expert hash as field/value pairs }; status is
 * ok | revoked | no_session | replay (only ok carries the rest).
 */
export const AUTHORIZE_LUA = `
local revokedAt = redis.call('GET', KEYS[2])
if revokedAt and tonumber(revokedAt) >= tonumber(ARGV[1]) then return {'revoked'} end
local absExp = tonumber(redis.call('HGET', KEYS[1], 'absExpMs'))
local now = tonumber(ARGV[2])
if not absExp or absExp <= now then return {'no_session'} end
if ARGV[5] ~= 'change' then return {'ok', tostring(absExp), tostring(now + redis.call('PTTL', KEYS[1])), redis.call('HGETALL', KEYS[4])} end
if not redis.call('SET', KEYS[3], '1', 'NX', 'EX', ARGV[4]) then return {'replay'} end
local ttl = math.min(tonumber(ARGV[3]), absExp - now)
redis.call('PEXPIRE', KEYS[1], ttl)
redis.call('HSET', KEYS[1], 'lastSeenMs', ARGV[2])
if redis.call('HGET', KEYS[4], 'sessionId') == ARGV[6] then
  redis.call('PEXPIRE', KEYS[4], ttl)
  redis.call('HSET', KEYS[4], 'lastSeenMs', ARGV[2])
end
return {'ok', tostring(absExp), tostring(now + ttl), redis.call('HGETALL', KEYS[4])}
`;

/**
 * Starts a session, only if the credential presented is the agent's credential now (a
 * revocation or a new credential since it was checked wins). Answers the agent's revocation
 * watermark, from which the caller derives the session's start (`sessionStartOf`): later than any
 * revocation so far, so none of them voids it.
 *
 * KEYS: credential, session, sessions, revokedAt
 * ARGV: credentialHash, nowMs, absExpMs, idleMs, sessionId
 * Returns { 'ok', revokedAtS } | { 'credential_changed' }.
 */
export const START_SESSION_LUA = `
if redis.call('HGET', KEYS[1], 'hash') ~= ARGV[1] then return {'credential_changed'} end
local revokedAt = redis.call('GET', KEYS[4]) or '0'
redis.call('HSET', KEYS[2], 'createdMs', ARGV[2], 'absExpMs', ARGV[3], 'lastSeenMs', ARGV[2])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
redis.call('SADD', KEYS[3], ARGV[5])
local keep = tonumber(ARGV[3]) - tonumber(ARGV[2])
if redis.call('PTTL', KEYS[3]) < keep then redis.call('PEXPIRE', KEYS[3], keep) end
return {'ok', revokedAt}
`;

/**
 * Revokes an agent: its credential goes, its watermark rises, every session it has ends and
 * its expert registration is withdrawn.
 *
 * KEYS: credential, revokedAt, sessions, expert
 * ARGV: revokedAtS, sessionKeyPrefix (the session key without the id)
 * Returns { sessionsEnded, expertRole or '' }.
 */
export const REVOKE_AGENT_LUA = `
redis.call('DEL', KEYS[1])
local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('SET', KEYS[2], tostring(math.max(previous, tonumber(ARGV[1]))))
local ended = 0
for _, sessionId in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  ended = ended + redis.call('DEL', ARGV[2] .. sessionId)
end
redis.call('DEL', KEYS[3])
local role = redis.call('HGET', KEYS[4], 'role') or ''
redis.call('DEL', KEYS[4])
return {ended, role}
`;

/**
 * Issues (or replaces) an agent's credential with the roles it grants. Replacing one ends every
 * session of the previous credential (and the expert registration they made): when any was live,
 * the revocation watermark rises to now, so verifiers refuse their tokens too.
 *
 * KEYS: credential, revokedAt, sessions, expert
 * ARGV: hash, issuedMs, rolesJson, revokedAtS, sessionKeyPrefix (the session key without the id)
 * Returns { sessionsEnded, expertRole or '' }.
 */
export const ISSUE_CREDENTIAL_LUA = `
local ended = 0
for _, sessionId in ipairs(redis.call('SMEMBERS', KEYS[3])) do
  ended = ended + redis.call('DEL', ARGV[5] .. sessionId)
end
redis.call('DEL', KEYS[3])
if ended > 0 then
  local previous = tonumber(redis.call('GET', KEYS[2]) or '0')
  redis.call('SET', KEYS[2], tostring(math.max(previous, tonumber(ARGV[4]))))
end
local role = redis.call('HGET', KEYS[4], 'role') or ''
redis.call('DEL', KEYS[4])
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'issuedMs', ARGV[2], 'roles', ARGV[3])
return {ended, role}
`;
