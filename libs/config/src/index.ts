export { loadConfig, ConfigError, KNOWN_LH_VARIABLES, natsServiceShape, followerSnapshotShape, tokenShape, adminSecretShape } from './load-config';
export type { FollowerSnapshotConfig } from './load-config';
