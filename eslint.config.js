import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import { boundariesPlugin } from './tools/eslint/boundaries-plugin.js';

const repoRoot = path.dirname(fileURLToPath(import.meta.url));

/**
 * What each layer may import (CONVENTIONS.md, "Dependency rules"); layers not listed are held by
 * the other rules only. Adapters may use each other (read-models builds on event-store).
 */
export const LAYERS = {
  'type:application': { allowed: ['type:domain', 'type:util'] },
  'type:contracts': { allowed: ['type:domain', 'type:util'], typeOnly: ['type:domain'] },
  'type:adapter': { allowed: ['type:application', 'type:contracts', 'type:domain', 'type:util', 'type:adapter'] },
};

/** The projects under `root` (`libs/*`, `apps/*`) with their package name and `nx.tags`. */
function projectsUnder(root) {
  return ['libs', 'apps'].flatMap((group) => {
    const dir = path.join(root, group);
    if (!existsSync(dir)) return [];
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && existsSync(path.join(dir, e.name, 'package.json')))
      .map((e) => {
        const pkg = JSON.parse(readFileSync(path.join(dir, e.name, 'package.json'), 'utf8'));
        return { name: pkg.name, dir: path.join(dir, e.name), tags: pkg.nx?.tags ?? [] };
      });
  });
}

const impure = (what) => `${what} The domain must stay pure: clock, ids, config and I/O come in on commands.`;

/**
 * The whole lint config for a tree laid out like this repo. `root` is where `apps/` and `libs/` live:
 * the repo itself, or the lint fixtures (tools/eslint/test runs the same config against them).
 * @param {{ root: string }} options
 */
export function createConfig({ root }) {
  const appsDir = path.join(root, 'apps');
  const apps = readdirSync(appsDir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  const projects = projectsUnder(root);
  const layered = projects.flatMap((project) => {
    const tag = project.tags.find((t) => t in LAYERS);
    return tag === undefined ? [] : [{ project, tag }];
  });

  return defineConfig(
    globalIgnores(['**/dist/', '**/generated/', '**/node_modules/', '**/coverage/', '**/.nx/', 'tools/eslint/fixtures/']),
    js.configs.recommended,
    tseslint.configs.recommended,
    {
      languageOptions: {
        ecmaVersion: 'latest',
        sourceType: 'module',
        globals: { ...globals.node },
        // Lets consistent-type-imports leave Nest's constructor-injected classes as value imports.
        parserOptions: { emitDecoratorMetadata: true, experimentalDecorators: true },
      },
      linterOptions: { reportUnusedDisableDirectives: 'error' },
      plugins: { orkestra: boundariesPlugin },
      rules: {
        '@typescript-eslint/no-unused-vars': [
          'error',
          { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_', ignoreRestSiblings: true },
        ],
        '@typescript-eslint/consistent-type-imports': 'error',
      },
    },
    {
      files: ['**/*.cjs'],
      languageOptions: { sourceType: 'commonjs' },
      rules: { '@typescript-eslint/no-require-imports': 'off' },
    },
    {
      files: ['**/*.spec.ts', '**/test/**/*.ts'],
      languageOptions: { globals: { ...globals.jest } },
    },

    // Dependency rules (CONVENTIONS.md): the domain, sources and specs alike, imports nothing but itself
    // (specs use Jest's injected globals, not `@jest/globals`).
    {
      files: ['libs/domain/**'],
      ignores: ['libs/domain/*.{js,cjs,mjs}'], // tooling config (jest.config.cjs), not domain code
      rules: { 'orkestra/pure-domain': ['error', { root: path.join(root, 'libs/domain') }] },
    },
    {
      files: ['libs/domain/src/**'],
      rules: {
        'no-restricted-syntax': [
          'error',
          { selector: "MemberExpression[object.name='Date'][property.name='now']", message: impure('Date.now() reads the clock.') },
          { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: impure('new Date() reads the clock.') },
          { selector: "CallExpression[callee.name='Date']", message: impure('Date() reads the clock.') },
          { selector: "MemberExpression[object.name='Math'][property.name='random']", message: impure('Math.random() is not reproducible.') },
          {
            selector: "MemberExpression[object.name='globalThis'][property.name=/^(process|crypto)$/]",
            message: impure('process and crypto are side effects.'),
          },
        ],
        'no-restricted-globals': [
          'error',
          { name: 'process', message: impure('process (env, argv, exit) is I/O.') },
          { name: 'crypto', message: impure('crypto.randomUUID() and friends make ids up.') },
        ],
      },
    },
    // `apps/cli` is the composition root of the embedded mode (`ork up`): it alone starts the
    // other apps, through their `createApp`, in one process.
    ...apps.filter((app) => app !== 'cli').map((app) => ({
      files: [`apps/${app}/**`],
      rules: { 'orkestra/no-app-imports': ['error', { appsDir, apps, self: app }] },
    })),
    {
      files: ['libs/**'],
      ignores: ['libs/domain/**'],
      rules: { 'orkestra/no-app-imports': ['error', { appsDir, apps }] },
    },
    // Sources only: specs may use anything (fakes, @orkestra/testing, the domain's builders).
    ...layered.map(({ project, tag }) => {
      const folder = path.relative(root, project.dir);
      return {
        files: [`${folder}/**/*.ts`],
        ignores: [`${folder}/**/*.spec.ts`, `${folder}/test/**`],
        rules: { 'orkestra/layer-boundaries': ['error', { self: tag, ...LAYERS[tag], projects }] },
      };
    }),
  );
}

export default createConfig({ root: repoRoot });
