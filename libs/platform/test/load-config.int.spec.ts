import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { loadConfig, portSetting } from '../src/index.js';

const schema = z.strictObject({ port: portSetting().default(4101).meta({ env: 'ORK_API_PORT' }) });

describe('loadConfig (files)', () => {
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ork-config-'));
    file = path.join(dir, 'api.yaml');
    await writeFile(file, 'port: 5000\n');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads the file named by ORK_CONFIG_FILE', () => {
    expect(loadConfig(schema, { env: { ORK_CONFIG_FILE: file } })).toEqual({ port: 5000 });
  });

  it('prefers a file passed as an argument', () => {
    const missing = path.join(dir, 'missing.yaml');

    expect(loadConfig(schema, { env: { ORK_CONFIG_FILE: missing }, file })).toEqual({ port: 5000 });
  });

  it('refuses a missing file, naming the env var that points at it', () => {
    const missing = path.join(dir, 'missing.yaml');

    expect(() => loadConfig(schema, { env: { ORK_CONFIG_FILE: missing } })).toThrow(`ORK_CONFIG_FILE: ${missing} does not exist`);
    expect(() => loadConfig(schema, { env: {}, file: missing })).toThrow(`${missing}: does not exist`);
  });

  it('uses defaults when no file is named', () => {
    expect(loadConfig(schema, { env: {} })).toEqual({ port: 4101 });
  });
});

describe('apps sharing one environment', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'ork-config-'));
  const apiFile = path.join(dir, 'api.yaml');
  const runnerFile = path.join(dir, 'runner.yaml');
  writeFileSync(apiFile, 'port: 5101\n');
  writeFileSync(runnerFile, 'slots: 4\n');
  afterAll(async () => rm(dir, { recursive: true, force: true }));
  const env = { ORK_API_CONFIG_FILE: apiFile, ORK_RUNNER_CONFIG_FILE: runnerFile };
  const apiSchema = z.strictObject({ port: portSetting().default(4101).meta({ env: 'ORK_API_PORT' }) });

  it('each read the file named by their own ORK_<APP>_CONFIG_FILE, so one app never sees another app\'s keys', () => {
    expect(loadConfig(apiSchema, { env, envPrefix: 'ORK_API_' })).toEqual({ port: 5101 });
  });

  it('name the app\'s own variable when its file is missing', () => {
    expect(() => loadConfig(apiSchema, { env: { ORK_API_CONFIG_FILE: path.join(dir, 'nope.yaml') }, envPrefix: 'ORK_API_' })).toThrow(
      `ORK_API_CONFIG_FILE: ${path.join(dir, 'nope.yaml')} does not exist`,
    );
  });
});
