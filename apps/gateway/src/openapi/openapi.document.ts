import { AUTH_HEADERS, MAX_CLOCK_SKEW_SECONDS, WireErrorSchema } from '@lighthouse/contracts';
import { z } from 'zod';
import type { AccessLevel } from '../auth/access.decorator';
import type { ApiRoute } from './api-routes';

type JsonObject = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'VALIDATION_FAILED: the body, path or query does not match the contract (unknown fields included)',
  401: 'UNAUTHENTICATED: missing, forged, tampered, expired or foreign-audience token; revoked agent or ended session; stale timestamp, bad signature or replayed nonce',
  403: 'FORBIDDEN: the caller may not act on this (another agent, another agent\'s session; admin routes disabled); ROLE_NOT_GRANTED: the operator did not grant the caller this expert role',
  404: 'NOT_FOUND; UNKNOWN_RECIPIENT: a message names an agent no credential was issued to',
  413: 'PAYLOAD_TOO_LARGE: the body is over the limit (refused before parsing)',
  429: 'RATE_LIMITED: per-agent (per address and claimed agent for credentials, per address for /health) rate limit, too many open streams, or the sender\'s message quota; see Retry-After',
  503: 'SERVICE_UNAVAILABLE or STORE_UNAVAILABLE: try again after Retry-After; nothing was changed unless the message says so',
  504: 'DEADLINE_EXCEEDED: the registry did not answer in time; the outcome is unknown',
};

const ERRORS_BY_ACCESS: Record<AccessLevel, number[]> = {
  public: [],
  probe: [429],
  credential: [400, 401, 413, 429, 503, 504],
  agent: [400, 401, 413, 429, 503, 504],
  signed: [400, 401, 413, 429, 503, 504],
  admin: [400, 401, 403, 413, 503, 504],
  console: [400, 401, 403, 413, 429, 503, 504],
};

const SIGNED_HEADERS = [
  { name: AUTH_HEADERS.timestamp, description: `Unix seconds when the request was signed; refused beyond ±${MAX_CLOCK_SKEW_SECONDS} s`, schema: { type: 'string', pattern: '^\\d{1,12}$' } },
  { name: AUTH_HEADERS.nonce, description: 'A fresh random value per request; a repeat is refused as a replay', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{16,64}$' } },
  {
    name: AUTH_HEADERS.signature,
    description:
      'base64url HMAC-SHA256 under the session key (base64url-decoded) of: "LH-SIG-1\\n" METHOD "\\n" path?query "\\n" timestamp "\\n" nonce "\\n" base64url(SHA-256(body bytes))',
    schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
  },
];

const schemaOf = (schema: z.ZodType, io: 'input' | 'output'): JsonObject => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonObject;
  delete json['$schema'];
  return json;
};

/** The OpenAPI 3.1 document of the gateway, generated from the zod contracts of each route. */
export function openApiDocument(routes: readonly ApiRoute[], info: { version: string; maxBodyBytes: number }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) (paths[route.path] ??= {})[route.method] = operationOf(route, info.maxBodyBytes);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Lighthouse gateway',
      version: info.version,
      description: [
        'Agents exchange their credential (POST /sessions) for a short-lived token and a session key.',
        'Every agent route needs `Authorization: Bearer <token>`; a request that changes state (POST, DELETE), and',
        `GET /delegations/next (it assigns work), also needs ${AUTH_HEADERS.timestamp}, ${AUTH_HEADERS.nonce} and ${AUTH_HEADERS.signature}.`,
        'Refresh the token before it expires (POST /sessions/refresh); when the session has ended, start a new one.',
        'Every error is `{ code, message }` with a stable code.',
      ].join(' '),
    },
    components: {
      securitySchemes: {
        session: { type: 'http', scheme: 'bearer', description: 'Session token from POST /sessions' },
        admin: { type: 'http', scheme: 'bearer', description: 'The operator secret, LH_ADMIN_SECRET' },
        console: { type: 'apiKey', in: 'cookie', name: 'lh_console', description: 'An operator\'s console session (POST /console/api/session); a change also needs the x-lh-csrf header' },
      },
      schemas: { WireError: schemaOf(WireErrorSchema, 'output') },
    },
    paths,
  };
}

function operationOf(route: ApiRoute, maxBodyBytes: number): JsonObject {
  const operation: JsonObject = {
    operationId: `${route.method}${route.path.replace(/[{}]/g, '').replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ?? '').toUpperCase())}`,
    summary: route.summary,
    security: route.access === 'agent' || route.access === 'signed' ? [{ session: [] }] : route.access === 'admin' ? [{ admin: [] }] : route.access === 'console' ? [{ console: [] }] : [],
    parameters: parametersOf(route),
    responses: responsesOf(route),
  };
  if (route.body) {
    operation['requestBody'] = {
      required: true,
      description: `JSON, at most ${maxBodyBytes} bytes`,
      content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
    };
  }
  return operation;
}

function parametersOf(route: ApiRoute): JsonObject[] {
  const parameters: JsonObject[] = Object.entries(route.params ?? {}).map(([name, schema]) => ({ name, in: 'path', required: true, schema: schemaOf(schema, 'input') }));
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    parameters.push({ name, in: 'query', required: false, schema: schemaOf(schema as z.ZodType, 'input') });
  }
  if ((route.access === 'agent' && route.method !== 'get') || route.access === 'signed') {
    for (const header of SIGNED_HEADERS) parameters.push({ ...header, in: 'header', required: true });
  }
  return parameters;
}

function responsesOf(route: ApiRoute): JsonObject {
  const content = route.response
    ? { 'application/json': { schema: schemaOf(route.response, 'output') } }
    : { [route.contentType ?? 'application/json']: { schema: { type: route.contentType?.startsWith('text/') ? 'string' : 'object' } } };
  const responses: JsonObject = { [String(route.status)]: { description: 'OK', content } };
  const errors = [...new Set([...ERRORS_BY_ACCESS[route.access], ...(route.errors ?? [])])].sort();
  for (const status of errors) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'error',
      content: { 'application/json': { schema: { $ref: '#/components/schemas/WireError' } } },
      ...([429, 503].includes(status) ? { headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' } } } : {}),
    };
  }
  return responses;
}
