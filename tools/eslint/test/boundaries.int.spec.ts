import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import repoConfig, { createConfig } from '../../../eslint.config.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const fixtures = path.join(repoRoot, 'tools/eslint/fixtures');
const PURE = 'The domain must stay pure: clock, ids, config and I/O come in on commands';

// The real config, pointed at fixtures laid out like the repo (globs resolve against `cwd`).
const eslint = new ESLint({ cwd: fixtures, overrideConfigFile: true, overrideConfig: createConfig({ root: fixtures }) });

async function lint(file: string): Promise<ESLint.LintResult> {
  const [result] = await eslint.lintFiles([path.join(fixtures, file)]);
  if (!result) throw new Error(`ESLint returned no result for ${file}`);
  return result;
}

const rulesOf = (result: ESLint.LintResult): string[] => result.messages.map((m) => m.ruleId ?? `fatal: ${m.message}`);

describe('the domain stays pure', () => {
  it('rejects node:fs with the purity message', async () => {
    const { messages } = await lint('libs/domain/src/bad-fs.ts');

    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'orkestra/pure-domain', severity: 2, line: 1, message: expect.stringContaining("'node:fs' is outside libs/domain") }),
    ]);
    expect(messages[0]?.message).toContain(PURE);
  });

  it.each([
    ['a bare Node builtin', 'libs/domain/src/bad-builtin.ts'],
    ['zod', 'libs/domain/src/bad-zod.ts'],
    ['a type-only import of a package', 'libs/domain/src/bad-type-only.ts'],
    ['re-exporting another @orkestra library', 'libs/domain/src/bad-other-lib.ts'],
    ['a relative path that climbs into apps/', 'libs/domain/src/bad-climb-to-app.ts'],
    ['a dynamic import()', 'libs/domain/src/bad-dynamic.ts'],
    ['a spec importing a non-domain package', 'libs/domain/test/bad-spec-import.spec.ts'],
  ])('rejects %s', async (_what, file) => {
    expect(rulesOf(await lint(file))).toEqual(['orkestra/pure-domain']);
  });

  it.each([
    ['Date.now()', 'libs/domain/src/bad-clock.ts', 'no-restricted-syntax'],
    ['new Date()', 'libs/domain/src/bad-new-date.ts', 'no-restricted-syntax'],
    ['Math.random()', 'libs/domain/src/bad-random.ts', 'no-restricted-syntax'],
    ['crypto.randomUUID()', 'libs/domain/src/bad-uuid.ts', 'no-restricted-globals'],
    ['process', 'libs/domain/src/bad-process.ts', 'no-restricted-globals'],
  ])('rejects %s in domain sources', async (_what, file, rule) => {
    const { messages } = await lint(file);

    expect(messages.map((m) => m.ruleId)).toEqual([rule]);
    expect(messages[0]?.message).toContain(PURE);
  });
});

describe('apps stay apart', () => {
  it.each([
    ['an app importing another app by package name', 'apps/api/src/bad-import.ts'],
    ['an app importing another app by relative path', 'apps/api/src/bad-relative.ts'],
    ['a library importing an app', 'libs/platform/src/bad-app-import.ts'],
  ])('rejects %s', async (_what, file) => {
    const { messages } = await lint(file);

    expect(messages.map((m) => m.ruleId)).toEqual(['orkestra/no-app-imports']);
    expect(messages[0]?.message).toMatch(/imports the app '(scheduler|api)'/);
  });
});

describe('layers import only the layers below them', () => {
  it.each([
    ['contracts importing the application layer', 'libs/contracts/src/bad-application.ts', "'@orkestra/application' is type:application, and type:contracts may depend only on type:domain, type:util"],
    ['contracts climbing into an adapter by relative path', 'libs/contracts/src/bad-relative.ts', "'../../bus/src/index.js' is type:adapter, and type:contracts may depend only on type:domain, type:util"],
    ['the application layer importing contracts', 'libs/application/src/bad-contracts.ts', "'@orkestra/contracts' is type:contracts, and type:application may depend only on type:domain, type:util"],
    ['an adapter importing the test helpers from its sources', 'libs/bus/src/bad-testing.ts', "'@orkestra/testing' is type:testing, and type:adapter may depend only on"],
  ])('rejects %s', async (_what, file, message) => {
    const { messages } = await lint(file);

    expect(messages).toEqual([expect.objectContaining({ ruleId: 'orkestra/layer-boundaries', severity: 2, message: expect.stringContaining(message) })]);
  });

  it('lets contracts import the domain for its types only', async () => {
    const { messages } = await lint('libs/contracts/src/bad-domain-value.ts');

    expect(messages).toEqual([
      expect.objectContaining({ ruleId: 'orkestra/layer-boundaries', message: "'@orkestra/domain' is type:domain: type:contracts may import only its types (`import type`), so no code of it runs here." }),
    ]);
  });
});

describe('allowed imports', () => {
  it.each([
    'libs/domain/src/good-imports.ts',
    'libs/domain/src/good-values.ts',
    'libs/domain/test/good.spec.ts',
    'apps/api/src/good-imports.ts',
    'apps/scheduler/src/main.ts',
    'libs/platform/src/good-imports.ts',
    'libs/contracts/src/good-imports.ts',
    'libs/contracts/test/good.spec.ts',
    'libs/bus/src/good-imports.ts',
  ])('passes %s', async (file) => {
    expect(rulesOf(await lint(file))).toEqual([]);
  });
});

describe('the repo config', () => {
  const repo = new ESLint({ cwd: repoRoot, overrideConfigFile: true, overrideConfig: repoConfig });

  it('applies the dependency rules to the real folders', async () => {
    const domain = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/domain/src/index.ts'));
    const domainSpec = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/domain/test/any.unit.spec.ts'));
    const api = await repo.calculateConfigForFile(path.join(repoRoot, 'apps/api/src/main.ts'));
    const lib = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/testing/src/index.ts'));

    expect(domain.rules['orkestra/pure-domain']).toEqual([2, { root: path.join(repoRoot, 'libs/domain') }]);
    expect(domain.rules['no-restricted-syntax']?.[0]).toBe(2);
    expect(domainSpec.rules['orkestra/pure-domain']?.[0]).toBe(2);
    expect(api.rules['orkestra/no-app-imports']).toEqual([2, expect.objectContaining({ self: 'api', apps: expect.arrayContaining(['scheduler']) })]);
    expect(lib.rules['orkestra/no-app-imports']?.[0]).toBe(2);

    const contracts = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/contracts/src/index.ts'));
    const application = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/application/src/index.ts'));
    const adapter = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/event-store/src/index.ts'));
    const adapterSpec = await repo.calculateConfigForFile(path.join(repoRoot, 'libs/event-store/test/any.int.spec.ts'));
    expect(contracts.rules['orkestra/layer-boundaries']).toEqual([2, expect.objectContaining({ self: 'type:contracts', allowed: ['type:domain', 'type:util'], typeOnly: ['type:domain'] })]);
    expect(application.rules['orkestra/layer-boundaries']).toEqual([2, expect.objectContaining({ self: 'type:application', allowed: ['type:domain', 'type:util'] })]);
    expect(adapter.rules['orkestra/layer-boundaries']).toEqual([2, expect.objectContaining({ self: 'type:adapter', allowed: expect.arrayContaining(['type:contracts']) })]);
    expect(adapterSpec.rules['orkestra/layer-boundaries']).toBeUndefined();
  });

  it('leaves the lint fixtures out of `npm run lint`', async () => {
    expect(await repo.isPathIgnored(path.join(fixtures, 'libs/domain/src/bad-fs.ts'))).toBe(true);
  });
});
