// Plain constants, no schema library: the Claude Code hook, which starts once per tool call,
// signs its requests with them and must not load zod to do so.

/** Largest difference between a signed request's timestamp and the verifier's clock. */
export const MAX_CLOCK_SKEW_SECONDS = 300;

/** Headers of an authenticated request (lower case, as HTTP/2 and Fastify see them). */
export const AUTH_HEADERS = {
  /** `Bearer <session token>` (agents) or `Bearer <admin secret>` (operator routes). */
  authorization: 'authorization',
  /** Unix time in whole seconds when the client signed the request. */
  timestamp: 'x-lh-timestamp',
  /** A fresh random value per request (16–64 of `A-Z a-z 0-9 _ -`); a repeat is a replay. */
  nonce: 'x-lh-nonce',
  /** base64url HMAC-SHA256 of the canonical request under the session key. */
  signature: 'x-lh-signature',
} as const;
