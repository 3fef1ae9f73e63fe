// `npm test` runs every project in one Jest process pool; each project also has its own `test` script for Nx.
module.exports = {
  projects: ['<rootDir>/apps/*/jest.config.cjs', '<rootDir>/libs/*/jest.config.cjs', '<rootDir>/tools/eslint/jest.config.cjs', '<rootDir>/deploy/jest.config.cjs'],
};
