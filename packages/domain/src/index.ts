export * from './vocabulary';
export * from './popularity';
export * from './keys';
