import * as contracts from './index';

describe('contracts public entry point', () => {
  it('exports exactly the pinned names (a change here is a contract change: version it)', () => {
    expect(Object.keys(contracts).sort()).toEqual([
      'AgentIdSchema',
      'AppendRequestSchema',
      'AppendResultSchema',
      'ERROR_CODES',
      'ErrorCodeSchema',
      'EventEnvelopeSchema',
      'EventIdSchema',
      'EventTypeSchema',
      'GatewayHealthSchema',
      'HTTP_STATUS_BY_CODE',
      'HealthQuerySchema',
      'LighthouseError',
      'LogHeadSchema',
      'NewEventSchema',
      'ReadQuerySchema',
      'ReadResultSchema',
      'SERVICE_HEALTH_SUBJECTS',
      'SUBJECTS',
      'ServiceHealthSchema',
      'StreamIdSchema',
      'WireErrorSchema',
      'queueGroupOf',
      'toWireError',
    ]);
  });

  it('versions every subject as lh.<context>.<cmd|query|evt>.<name>.vN', () => {
    const subjects = Object.values(contracts.SUBJECTS).flatMap((group) => Object.values(group));
    expect(subjects.length).toBeGreaterThan(5);
    for (const subject of subjects) expect(subject).toMatch(/^lh\.[a-z-]+\.(cmd|query|evt)\.[a-z-]+\.v\d+$/);
    expect(new Set(subjects).size).toBe(subjects.length);
  });

  it('maps every error code to an HTTP status', () => {
    for (const code of contracts.ERROR_CODES) expect(contracts.HTTP_STATUS_BY_CODE[code]).toBeGreaterThanOrEqual(400);
  });
});
