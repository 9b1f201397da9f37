/**
 * Browser tests: the H5 build in Chromium (playwright-core, Debian's /usr/bin/chromium), served by the
 * real server on a fresh PostgreSQL database, with the fake WeChat API. Run by `npm test` (step e2e)
 * after the miniapp step has built dist/h5; needs TEST_DATABASE_URL. See e2e/harness.ts.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'node',
  testMatch: ['<rootDir>/e2e/**/*.e2e.ts'],
  transform: {
    '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } }],
  },
  testTimeout: 180_000,
  reporters: ['default', '<rootDir>/../scripts/jest-count-reporter.js'],
};
