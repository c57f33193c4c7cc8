export { loadConfig, ConfigError, KNOWN_LH_VARIABLES, natsServiceShape, followerSnapshotShape, eventHmacKeysSchema, tokenShape, adminSecretShape } from './load-config';
export type { FollowerSnapshotConfig } from './load-config';
export { SERVICE_NODE_FLAGS } from './service-node-flags';
