export { loadConfig, ConfigError } from './env';
export type { SoukConfig } from './env';
