import { z } from 'zod';
import { OperatorNameSchema } from './delegations';

const iso = z.iso.datetime();


/** An operator credential: `lho_` and 43 base64url characters (never an agent's `lhc_`). */
export const OperatorCredentialSchema = z.string().regex(/^lho_[A-Za-z0-9_-]{43}$/, 'an operator credential is lho_ and 43 base64url characters');

export const OPERATOR_CREDENTIAL_LIMITS = {
  minTtlSeconds: 300,
  maxTtlSeconds: 366 * 24 * 3600,
  defaultTtlSeconds: 30 * 24 * 3600,
  /** Most operators one registry lists. */
  list: 500,
} as const;

/** `POST /admin/operators`: a credential for a named human, valid until it expires or is revoked. */
export const IssueOperatorCredentialRequestSchema = z.strictObject({
  name: OperatorNameSchema,
  ttlSeconds: z.number().int().min(OPERATOR_CREDENTIAL_LIMITS.minTtlSeconds).max(OPERATOR_CREDENTIAL_LIMITS.maxTtlSeconds).default(OPERATOR_CREDENTIAL_LIMITS.defaultTtlSeconds),
});
export type IssueOperatorCredentialRequest = z.infer<typeof IssueOperatorCredentialRequestSchema>;

export const IssueOperatorCredentialCommandSchema = z.strictObject({ ...IssueOperatorCredentialRequestSchema.shape, via: z.enum(['http', 'cli']) });
export type IssueOperatorCredentialCommand = z.infer<typeof IssueOperatorCredentialCommandSchema>;

/** An operator credential's record (never the credential: the registry keeps only its hash). */
export const OperatorCredentialInfoSchema = z.strictObject({
  name: OperatorNameSchema,
  issuedAt: iso,
  expiresAt: iso,
  revokedAt: iso.nullable(),
});
export type OperatorCredentialInfo = z.infer<typeof OperatorCredentialInfoSchema>;

/** The credential, shown this once. Issuing again for a name replaces (and voids) the earlier one. */
export const IssuedOperatorCredentialSchema = z.strictObject({ ...OperatorCredentialInfoSchema.shape, credential: OperatorCredentialSchema });
export type IssuedOperatorCredential = z.infer<typeof IssuedOperatorCredentialSchema>;

export const RevokeOperatorCredentialCommandSchema = z.strictObject({ name: OperatorNameSchema, via: z.enum(['http', 'cli']) });
export type RevokeOperatorCredentialCommand = z.infer<typeof RevokeOperatorCredentialCommandSchema>;

/** The operators' credentials (or one operator's, by name), for the admin and for the console's session checks. */
export const ListOperatorCredentialsCommandSchema = z.strictObject({ name: OperatorNameSchema.optional() });
export type ListOperatorCredentialsCommand = z.infer<typeof ListOperatorCredentialsCommandSchema>;

export const OperatorCredentialListSchema = z.strictObject({ operators: z.array(OperatorCredentialInfoSchema).max(OPERATOR_CREDENTIAL_LIMITS.list) });
export type OperatorCredentialList = z.infer<typeof OperatorCredentialListSchema>;

/** Console sign-in with an operator credential: the registry answers whose it is, or UNAUTHENTICATED. */
export const AuthenticateOperatorCommandSchema = z.strictObject({ credential: OperatorCredentialSchema });
export type AuthenticateOperatorCommand = z.infer<typeof AuthenticateOperatorCommandSchema>;
