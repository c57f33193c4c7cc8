import { API_ROUTES } from './api-routes';
import { openApiDocument } from './openapi.document';

const doc = openApiDocument(API_ROUTES, { version: '0.1.0', maxBodyBytes: 1024 }) as {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; security: unknown[]; parameters: Array<{ name: string; in: string }>; requestBody?: { content: Record<string, { schema: Record<string, unknown> }> }; responses: Record<string, unknown> }>>;
};
const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));

describe('OpenAPI document', () => {
  it('describes every route once, with a unique operation id', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(operations).toHaveLength(API_ROUTES.length);
    expect(new Set(operations.map((o) => o.op.operationId)).size).toBe(operations.length);
  });

  it('requires the signed-request headers on every state-changing agent route and on GET /delegations/next, and only there', () => {
    for (const { path, method, op } of operations) {
      const signed = op.parameters.filter((p) => p.in === 'header').map((p) => p.name);
      const agent = op.security.length > 0 && JSON.stringify(op.security).includes('session');
      const mustSign = agent && (method !== 'get' || path === '/delegations/next');
      expect(signed).toEqual(mustSign ? ['x-lh-timestamp', 'x-lh-nonce', 'x-lh-signature'] : []);
    }
  });

  it('rejects unknown fields in every request body it documents', () => {
    const bodies = operations.filter((o) => o.op.requestBody).map((o) => o.op.requestBody!.content['application/json']!.schema);
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) expect(body['additionalProperties']).toBe(false);
  });

  it('documents 401 and 429 on agent routes, and no error on public ones', () => {
    expect(Object.keys(doc.paths['/whoami']!['get']!.responses).sort()).toEqual(['200', '400', '401', '413', '429', '503', '504']);
    expect(Object.keys(doc.paths['/health/live']!['get']!.responses)).toEqual(['200']);
  });
});
