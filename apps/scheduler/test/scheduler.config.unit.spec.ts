import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '@orkestra/platform';
import { concurrencyLimits, loadSchedulerConfig } from '../src/index.js';

describe('scheduler config', () => {
  it('defaults to 127.0.0.1:4102, no database or NATS (no work), 100 jobs out at once and 20 per project', () => {
    const config = loadSchedulerConfig({ ORK_SCHEDULER_INSTANCE: 'one' });
    expect(config).toEqual({
      port: 4102,
      host: '127.0.0.1',
      natsNamespace: '',
      instance: 'one',
      maxJobs: 100,
      maxJobsPerProject: 20,
      projectMaxJobs: {},
      agentMaxJobs: {},
      projectBudgets: {},
      runnerLostSeconds: 20,
      concurrency: 16,
    });
    expect(concurrencyLimits(config)).toEqual({ global: 100, perProject: 20, projects: {}, perAgent: {} });
  });

  it('reads the URLs and limits from env, per-project and per-agent limits from the yaml', () => {
    const config = loadSchedulerConfig({
      ORK_SCHEDULER_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/orkestra',
      ORK_SCHEDULER_NATS_URL: 'nats://127.0.0.1:4222',
      ORK_SCHEDULER_MAX_JOBS: '8',
      ORK_SCHEDULER_MAX_JOBS_PER_PROJECT: '3',
    });
    expect(config).toMatchObject({ databaseUrl: 'postgres://postgres@127.0.0.1:5432/orkestra', natsUrl: 'nats://127.0.0.1:4222', maxJobs: 8, maxJobsPerProject: 3 });
  });

  it('refuses a bad port, a bad database URL and an unknown ORK_SCHEDULER_ variable, naming each', () => {
    const env = { ORK_SCHEDULER_PORT: 'abc', ORK_SCHEDULER_PROT: '1', ORK_SCHEDULER_DATABASE_URL: 'mysql://x' };
    expect(() => loadSchedulerConfig(env)).toThrow(ConfigError);
    expect(() => loadSchedulerConfig(env)).toThrow(/ORK_SCHEDULER_PROT: is not a known setting/);
    expect(() => loadSchedulerConfig(env)).toThrow(/ORK_SCHEDULER_PORT: expected an integer between 0 and 65535, got "abc"/);
    expect(() => loadSchedulerConfig(env)).toThrow(/ORK_SCHEDULER_DATABASE_URL: expected a Postgres URL such as .*, got "mysql:\/\/x"/);
  });
});
