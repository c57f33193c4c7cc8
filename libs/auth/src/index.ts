export { MIN_SECRET_BYTES, deriveAuthKeys, sessionKeyOf, decodeBase64url } from './keys';
export type { AuthKeys } from './keys';
export {
  TOKEN_VERSION,
  MAX_TOKEN_CHARS,
  ISSUED_AT_LEEWAY_SECONDS,
  TokenClaimsSchema,
  signToken,
  verifyToken,
  describeTokenProblem,
} from './token';
export type { TokenClaims, TokenProblem, TokenCheck, TokenExpectations } from './token';
export { TokenVerifier } from './token-verifier';
export {
  SIGNATURE_SCHEME,
  canonicalRequest,
  requestSignature,
  verifyRequestSignature,
  signRequest,
  newNonce,
  checkFreshness,
  withinSkew,
} from './request-signature';
export type { RequestParts, FreshnessCheck } from './request-signature';
export { newCredential, newSessionId, hashCredential, credentialMatches, secretsEqual } from './credentials';
export { takeToken } from './token-bucket';
export type { TokenBucket, BucketRule, TakeResult } from './token-bucket';
export { canSeeEvent, isPublicStream, delegationIdOf, threadIdOf } from './event-visibility';
export type { Viewer, VisibilityContext } from './event-visibility';
