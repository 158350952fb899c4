export { generateMarketplace, DEMO_SOURCE, type GenerateSummary, type TableCounts } from './generate';
export { writeImportFiles, type ImportFiles } from './files';
export { DEFAULTS, resolveOptions, startOfUtcDay, type GenerateOptions } from './options';
