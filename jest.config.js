// One jest run covers every workspace. TypeScript is compiled by swc (fast, no type checking:
// `npm run typecheck` does that). Tests touching storage use the real servers, so files run in
// parallel only up to the machine's two cores.
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } } }] },
  testMatch: ['<rootDir>/{packages,subgraphs,gateway}/**/test/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/'],
  maxWorkers: 2,
  testTimeout: 60_000,
};
