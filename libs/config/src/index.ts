export { loadConfig, ConfigError, KNOWN_LH_VARIABLES, natsServiceShape, tokenShape, adminSecretShape } from './load-config';
