import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every route is `agent` (a session token; signed when it changes state)
 * unless it says otherwise, so a new route is protected by default.
 * - `public`: anyone (health, metrics, the OpenAPI document)
 * - `probe`: anyone, rate-limited per source address (a route that costs the bridge more than itself)
 * - `credential`: anyone, proving itself in the body (session creation), rate-limited per source
 *   address and claimed agent (the claim is unverified: keyed by it alone, anyone could spend a
 *   named agent's bucket and lock it out)
 * - `admin`: the operator, with the admin secret
 * - `console`: a signed-in operator of the console (its session cookie; a change also needs the
 *   CSRF header). An agent's token never passes here, and the cookie never passes an agent route.
 * - `signed`: an agent, signed even for a read (a read that changes something, e.g. assigns work),
 *   so a stolen token alone cannot use it
 */
export type AccessLevel = 'public' | 'probe' | 'credential' | 'agent' | 'signed' | 'admin' | 'console';

export const ACCESS_METADATA = 'lighthouse:access';

export const Access = (level: AccessLevel) => SetMetadata(ACCESS_METADATA, level);
