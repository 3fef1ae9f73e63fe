import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { loadRunnerConfig } from '../src/index.js';
import { agentEnvironment } from '../src/service/agent-environment.js';
import { AgentNotFoundError, detectAgents } from '../src/service/detect-agents.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'ork-runner-settings-'));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe('the runner’s work settings', () => {
  it('reads NATS, labels and projects from env and yaml, with defaults for the rest', async () => {
    const file = path.join(dir, 'ok.yaml');
    await writeFile(file, stringify({ projects: { web: { remote: 'git@example.com:team/web.git', copyIgnored: ['.env'], copyFrom: '/srv/secrets/web' } } }));
    const config = loadRunnerConfig({ ORK_RUNNER_NATS_URL: 'nats://10.0.0.5:4222', ORK_RUNNER_LABELS: 'gpu, linux' }, file);
    expect(config).toMatchObject({ natsUrl: 'nats://10.0.0.5:4222', natsNamespace: '', labels: ['gpu', 'linux'], drainGraceSeconds: 60, agents: {} });
    expect(config.projects['web']).toEqual({ remote: 'git@example.com:team/web.git', copyIgnored: ['.env'], copyFrom: '/srv/secrets/web' });
    expect(config.dataDir).toBe(path.join(os.homedir(), '.orkestra', 'runner'));
  });

  it('reads labels in lower case without repeats, and refuses a label no queue can be named after, or more than a runner may have', async () => {
    expect(loadRunnerConfig({ ORK_RUNNER_LABELS: 'Linux, GPU, gpu' }).labels).toEqual(['gpu', 'linux']);
    expect(() => loadRunnerConfig({ ORK_RUNNER_LABELS: 'gpu, big memory' })).toThrow(/ORK_RUNNER_LABELS: expected a runner label: a letter or digit, then letters, digits, "-" or "_", at most 32 in all, got "gpu, big memory"/);
    expect(() => loadRunnerConfig({ ORK_RUNNER_LABELS: 'a,b,c,d,e' })).toThrow(/ORK_RUNNER_LABELS: at most 4 labels: a runner reads one queue per subset of its labels, and 5 would make 32/);
    const file = path.join(dir, 'labels.yaml');
    await writeFile(file, stringify({ labels: ['gpu', 'linux', 'arm64', 'big-memory', 'fast-disk'] }));
    expect(() => loadRunnerConfig({}, file)).toThrow(new RegExp(`${file}:1:1 labels: at most 4 labels`));
  });

  it('names a bad NATS URL and a bad project entry, with where they came from', async () => {
    const file = path.join(dir, 'bad.yaml');
    await writeFile(file, stringify({ projects: { 'web.app': { remote: 'x' }, api: { remote: '' } } }));
    expect(() => loadRunnerConfig({ ORK_RUNNER_NATS_URL: 'localhost:4222' }, file)).toThrow(/ORK_RUNNER_NATS_URL: expected a NATS URL such as nats:\/\/127\.0\.0\.1:4222/);
    expect(() => loadRunnerConfig({}, file)).toThrow(
      [
        'Invalid configuration (2 problems):',
        `  ${file}:2:3 projects.web.app: Invalid key in record, got {"remote":"x"}`,
        `  ${file}:5:5 projects.api.remote: expected a git remote URL or a path to a bare repository, got ""`,
      ].join('\n'),
    );
  });
});

describe('finding agent CLIs', () => {
  it('uses a configured path, else the command on PATH, and leaves out what it cannot find', async () => {
    const bin = path.join(dir, 'bin');
    await rm(bin, { recursive: true, force: true });
    await (await import('node:fs/promises')).mkdir(bin);
    await writeFile(path.join(bin, 'opencode'), '#!/bin/sh\n');
    await chmod(path.join(bin, 'opencode'), 0o755);
    expect(await detectAgents({}, `/nonexistent${path.delimiter}${bin}`)).toEqual({ opencode: path.join(bin, 'opencode') });
  });

  it('refuses a configured path that is not executable, naming the setting', async () => {
    const file = path.join(dir, 'not-executable');
    await writeFile(file, 'x');
    await expect(detectAgents({ claudecode: file }, '')).rejects.toThrow(new AgentNotFoundError('claudecode', file).message);
  });
});

describe('an agent’s environment', () => {
  it('keeps the runner’s logins and keys, and drops its own settings and bus credentials', () => {
    const env = agentEnvironment({ PATH: '/usr/bin', HOME: '/home/r', ANTHROPIC_API_KEY: 'k', ORK_RUNNER_NATS_URL: 'nats://x', NATS_TOKEN: 's', ORKESTRA_TASK_ID: 't' });
    expect(env).toEqual({ PATH: '/usr/bin', HOME: '/home/r', ANTHROPIC_API_KEY: 'k' });
  });
});
