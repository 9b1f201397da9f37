/**
 * Unit and component tests run in jsdom with simple stand-ins for @tarojs/taro and
 * @tarojs/components (test/stubs); src/build-output.test.ts checks the real builds in node.
 * @type {import('jest').Config}
 */
module.exports = {
  testEnvironment: 'jsdom',
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/src/**/*.test.tsx'],
  transform: {
    '^.+\\.(ts|tsx|js)$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', tsx: true },
          transform: { react: { runtime: 'automatic' } },
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  moduleNameMapper: {
    '^@tarojs/taro$': '<rootDir>/test/stubs/taro.ts',
    '^@tarojs/components$': '<rootDir>/test/stubs/components.tsx',
    '\\.(css|scss)$': '<rootDir>/test/stubs/style.js',
  },
  setupFilesAfterEnv: ['<rootDir>/test/setup.ts'],
  clearMocks: true,
  reporters: ['default', '<rootDir>/../scripts/jest-count-reporter.js'],
};
