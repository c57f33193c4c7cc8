import { SetMetadata } from '@nestjs/common';

/**
 * Who may call a route. Every route is `agent` (a session token; signed when it changes state)
 * unless it says otherwise, so a new route is protected by default.
 * - `public`: anyone (health, metrics, the OpenAPI document)
 * - `credential`: anyone, proving itself in the body (session creation), rate-limited per claimed agent
 * - `admin`: the operator, with the admin secret
 */
export type AccessLevel = 'public' | 'credential' | 'agent' | 'admin';

export const ACCESS_METADATA = 'lighthouse:access';

export const Access = (level: AccessLevel) => SetMetadata(ACCESS_METADATA, level);
