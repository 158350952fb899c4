export * from './vocabulary';
export * from './popularity';
