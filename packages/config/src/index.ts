export { loadConfig, ConfigError } from './env';
export type { SoukConfig } from './env';
export { applyGcSettings, gcFlags } from './gc';
