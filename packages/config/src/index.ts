export { loadConfig, ConfigError } from './env';
export type { SoukConfig } from './env';
export { applyGcSettings, gcFlags, YOUNG_GENERATION_FLAG, youngGenerationSized } from './gc';
