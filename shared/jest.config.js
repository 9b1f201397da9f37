/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.tsx?$': '@swc/jest' },
  testMatch: ['<rootDir>/src/**/*.test.ts'],
  reporters: ['default', '<rootDir>/../scripts/jest-count-reporter.js'],
};
