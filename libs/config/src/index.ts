export { loadConfig, ConfigError, KNOWN_LH_VARIABLES, natsServiceShape } from './load-config';
