// Shared Jest settings: native ESM, TypeScript through swc, workspace libraries read from source.
const path = require('node:path');

const libs = path.join(__dirname, 'libs');
const apps = path.join(__dirname, 'apps');

module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    // Libraries, and the apps `ork up` composes (apps/cli is the only app that imports apps).
    '^@orkestra/([^/]+)$': [`${libs}/$1/src/index.ts`, `${apps}/$1/src/index.ts`],
    '^@orkestra/([^/]+)/(.+)$': `${libs}/$1/src/$2/index.ts`,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.spec.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/', '/fixtures/'],
};
