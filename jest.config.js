// Two jest projects: `unit` (logic specs beside the code, no servers) and `e2e`
// (scenarios against real Kafka, FerretDB, Mailpit and the services as processes).
const { pathsToModuleNameMapper } = require('./scripts/jest-paths');

const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      jsc: {
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true },
        target: 'es2022',
      },
      module: { type: 'commonjs' },
      sourceMaps: 'inline',
    },
  ],
};
const common = {
  transform,
  moduleNameMapper: pathsToModuleNameMapper(),
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/.cache/', '<rootDir>/.run/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: [
        '<rootDir>/libs/**/*.spec.ts',
        '<rootDir>/services/*/src/**/*.spec.ts',
        '<rootDir>/deploy/**/*.spec.ts',
      ],
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/services/*/test/**/*.e2e-spec.ts'],
      setupFilesAfterEnv: ['<rootDir>/scripts/jest-e2e-setup.js'],
      slowTestThreshold: 60,
    },
  ],
};
