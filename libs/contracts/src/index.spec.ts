import * as contracts from './index';

describe('contracts public entry point', () => {
  it('exports exactly the pinned names (a change here is a contract change: version it)', () => {
    expect(Object.keys(contracts).sort()).toEqual([
      'AUTH_HEADERS',
      'ActorSchema',
      'AgentIdSchema',
      'AgentRevokedSchema',
      'AppendRequestSchema',
      'AppendResultSchema',
      'AuthProofSchema',
      'ContentHashSchema',
      'CreateDelegationSchema',
      'CreateSessionCommandSchema',
      'CreateSessionRequestSchema',
      'CredentialSchema',
      'DELEGATION_STATES',
      'DelegationChangedSchema',
      'DelegationKindSchema',
      'DelegationListSchema',
      'DelegationRequestSchemas',
      'DelegationSchema',
      'DelegationStateSchema',
      'DelegationTargetSchema',
      'DeregisterExpertCommandSchema',
      'DeregisterExpertResultSchema',
      'ERROR_CODES',
      'EndSessionCommandSchema',
      'EndSessionResultSchema',
      'ErrorCodeSchema',
      'EventEnvelopeSchema',
      'EventIdSchema',
      'EventTypeSchema',
      'ExpertListSchema',
      'ExpertRoleSchema',
      'ExpertSchema',
      'ExpertStatusSchema',
      'FS_EVENT_DATA',
      'FS_EVENT_TYPES',
      'FS_LIMITS',
      'FS_STREAM',
      'GatewayHealthSchema',
      'HTTP_STATUS_BY_CODE',
      'HealthQuerySchema',
      'HeartbeatCommandSchema',
      'HeartbeatResultSchema',
      'IssueCredentialCommandSchema',
      'IssueCredentialRequestSchema',
      'IssuedCredentialSchema',
      'LighthouseError',
      'ListExpertsCommandSchema',
      'ListExpertsQuerySchema',
      'LogHeadSchema',
      'MAX_CLOCK_SKEW_SECONDS',
      'NewEventSchema',
      'NextDelegationSchema',
      'NonceSchema',
      'PresenceSchema',
      'ProgressNoteSchema',
      'ProjectPathSchema',
      'ReadQuerySchema',
      'ReadResultSchema',
      'RefreshSessionCommandSchema',
      'RegisterExpertCommandSchema',
      'RegisterExpertRequestSchema',
      'RevocationSchema',
      'RevocationsSnapshotSchema',
      'RevokeAgentCommandSchema',
      'RoleSchema',
      'SERVICE_HEALTH_SUBJECTS',
      'SESSION_EVENT_DATA',
      'SUBJECTS',
      'ServiceHealthSchema',
      'SessionGrantSchema',
      'SessionIdSchema',
      'StreamIdSchema',
      'TERMINAL_DELEGATION_STATES',
      'WhoAmISchema',
      'WireErrorSchema',
      'agentStreamOf',
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
