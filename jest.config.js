/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }],
  },
  moduleNameMapper: {
    '^rocketreach-webhooks$': '<rootDir>/src/index.ts',
    '^rocketreach-webhooks/testing$': '<rootDir>/src/testing/index.ts',
    '^rocketreach-webhooks/web$': '<rootDir>/src/web.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/__tests__/support/global-setup.js',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.js',
  testTimeout: 15000,
};
