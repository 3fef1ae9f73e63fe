import path from 'node:path';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { layerBoundaries } from '../rules/layer-boundaries.js';
import { noAppImports } from '../rules/no-app-imports.js';
import { pureDomain } from '../rules/pure-domain.js';

// Import forms the fixtures do not cover; RuleTester fails the spec on any missing or extra report.
const root = path.resolve('/repo');
const domain = path.join(root, 'libs/domain');
const inDomain = path.join(domain, 'src/trak/trak.decide.ts');
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser, ecmaVersion: 'latest', sourceType: 'module' } });

const domainCase = (code: string, options: object = {}) => ({ code, filename: inDomain, options: [{ root: domain, ...options }] });

tester.run('pure-domain', pureDomain, {
  valid: [
    domainCase("import { a } from './trak.state.js';"),
    domainCase("export * from '../shared/index.js';"),
    domainCase("const m = await import('../shared/message.js');"),
    domainCase("import { it } from '@jest/globals';", { allow: ['@jest/globals'] }),
  ],
  invalid: [
    { ...domainCase("const fs = require('fs');"), errors: [{ messageId: 'outside' }] },
    { ...domainCase("import fs = require('node:fs');"), errors: [{ messageId: 'outside' }] },
    { ...domainCase("type C = import('pg').Client;"), errors: [{ messageId: 'outside' }] },
    { ...domainCase("export * from 'yaml';"), errors: [{ messageId: 'outside' }] },
    { ...domainCase('const m = await import(`execa`);'), errors: [{ messageId: 'outside' }] },
    { ...domainCase('const m = await import(name);'), errors: [{ messageId: 'dynamic' }] },
    { ...domainCase("import { x } from '../../../workflow-config/src/index.js';"), errors: [{ messageId: 'outside' }] },
    { ...domainCase("import { x } from '../../../domain-extra/src/index.js';"), errors: [{ messageId: 'outside' }] },
  ],
});

const appsDir = path.join(root, 'apps');
const apps = ['api', 'gateway', 'runner', 'scheduler'];
const appCase = (code: string, self?: string) => ({
  code,
  filename: path.join(self ? path.join(appsDir, self) : path.join(root, 'libs/platform'), 'src/x/y.ts'),
  options: [self ? { appsDir, apps, self } : { appsDir, apps }],
});

tester.run('no-app-imports', noAppImports, {
  valid: [
    appCase("import { x } from '../z.js';", 'api'),
    appCase("import { x } from '@orkestra/domain';", 'api'),
    appCase("import { x } from '@orkestra/api';", 'api'),
    appCase("import { x } from '../../../../libs/domain/src/index.js';", 'api'),
    appCase("import { x } from '@orkestra/testing';"),
  ],
  invalid: [
    { ...appCase("import { x } from '@orkestra/runner/jobs';", 'api'), errors: [{ messageId: 'otherApp', data: { source: '@orkestra/runner/jobs', app: 'runner' } }] },
    { ...appCase("const g = await import('../../../gateway/src/main.js');", 'api'), errors: [{ messageId: 'otherApp' }] },
    { ...appCase("const s = require('@orkestra/scheduler');", 'api'), errors: [{ messageId: 'otherApp' }] },
    { ...appCase("import { x } from '../../../../apps/api/src/main.js';"), errors: [{ messageId: 'otherApp' }] },
  ],
});

const projects = [
  { name: '@orkestra/domain', dir: path.join(root, 'libs/domain'), tags: ['type:domain'] },
  { name: '@orkestra/contracts', dir: path.join(root, 'libs/contracts'), tags: ['type:contracts'] },
  { name: '@orkestra/application', dir: path.join(root, 'libs/application'), tags: ['type:application'] },
];
const contractsCase = (code: string) => ({
  code,
  filename: path.join(root, 'libs/contracts/src/jobs.contract.ts'),
  options: [{ self: 'type:contracts', allowed: ['type:domain', 'type:util'], typeOnly: ['type:domain'], projects }],
});

tester.run('layer-boundaries', layerBoundaries, {
  valid: [
    contractsCase("import type { Job } from '@orkestra/domain';"),
    contractsCase("import { type Job, type JobResult } from '@orkestra/domain';"),
    contractsCase("export type { Job } from '@orkestra/domain';"),
    contractsCase("type J = import('@orkestra/domain').Job;"),
    contractsCase("import { z } from 'zod';"),
    contractsCase("import { mirror } from './mirror.js';"),
    contractsCase("import { x } from '../../contracts/src/mirror.js';"),
  ],
  invalid: [
    { ...contractsCase("import { type Job, trakDecider } from '@orkestra/domain';"), errors: [{ messageId: 'typeOnly' }] },
    { ...contractsCase("export { trakDecider } from '@orkestra/domain';"), errors: [{ messageId: 'typeOnly' }] },
    { ...contractsCase("const d = await import('@orkestra/domain');"), errors: [{ messageId: 'typeOnly' }] },
    { ...contractsCase("import type { Bus } from '@orkestra/application/bus';"), errors: [{ messageId: 'layer', data: { source: '@orkestra/application/bus', target: 'type:application', self: 'type:contracts', allowed: 'type:domain, type:util' } }] },
    { ...contractsCase("import { x } from '../../application/src/index.js';"), errors: [{ messageId: 'layer' }] },
  ],
});
