import type { WhoAmI } from '@lighthouse/contracts';
import type { TokenClaims } from '@lighthouse/auth';

/** The identity a verified token proves, as the API shows it. */
export function whoAmIOf(claims: TokenClaims): WhoAmI {
  return {
    agentId: claims.sub,
    sessionId: claims.sid,
    audience: claims.aud,
    tokenIssuedAt: new Date(claims.iat * 1000).toISOString(),
    tokenExpiresAt: new Date(claims.exp * 1000).toISOString(),
  };
}
