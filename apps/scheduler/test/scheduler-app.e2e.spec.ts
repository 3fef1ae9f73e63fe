import type { INestApplication } from '@nestjs/common';
import { resultSubject } from '@orkestra/contracts';
import { eventually } from '@orkestra/testing';
import { createApp, loadSchedulerConfig } from '../src/index.js';
import { SchedulerHarness, createTrak, happyRunner } from './support/scheduler-harness.js';
import type { ScriptedRunners } from './support/scheduler-harness.js';

// The scheduler process as deployed: config from env, its own migrations, work on the bus, and
// what an operator reads from /ready and /metrics.
let harness: SchedulerHarness;
let app: INestApplication;
let runners: ScriptedRunners;
let url: string;

beforeAll(async () => {
  harness = await SchedulerHarness.create();
  const config = loadSchedulerConfig({
    ORK_SCHEDULER_PORT: '0',
    ORK_SCHEDULER_DATABASE_URL: harness.database.url,
    ORK_SCHEDULER_NATS_URL: harness.nats.url,
    ORK_SCHEDULER_NATS_NAMESPACE: harness.nats.prefix,
    ORK_SCHEDULER_INSTANCE: 'metrics-test',
  });
  app = await createApp(config, { logger: false });
  url = await app.getUrl();
  runners = harness.runners(happyRunner());
  await runners.start();
});

afterAll(async () => {
  await runners?.stop();
  await app?.close();
  await harness.cleanup();
});

const metric = (text: string, name: string): string[] => text.split('\n').filter((line) => line.startsWith(name));

describe('the scheduler app', () => {
  it('is ready once Postgres and NATS answer, drives a Trak to the end, and reports jobs, timers, hand-offs and refused messages on /metrics', async () => {
    const ready = await fetch(`${url}/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { postgres: 'ok', nats: 'ok' } });

    // A result no runner could have sent, for a job id the scheduler would otherwise act on.
    await harness.bus.publish(resultSubject({ jobId: 'm-1_a0_1', kind: 'agent-failed' }), JSON.stringify({ kind: 'agent-failed', jobId: 'm-1_a0_1', reason: 'Bored' }), { msgId: 'garbage' });
    await harness.command('m-1', createTrak('m-1', 'p-metrics'));
    await eventually(async () => expect((await harness.state('m-1')).status).toBe('Archived'), 10_000);

    const response = await fetch(`${url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await response.text();
    // Two hand-offs: the agent's result → the gate job, the gate's result → the integration job.
    expect(metric(text, 'ork_scheduler_handoff_seconds_count')).toEqual(['ork_scheduler_handoff_seconds_count 2']);
    expect(metric(text, 'ork_scheduler_timers_pending')).toContain('ork_scheduler_timers_pending 0');
    expect(metric(text, 'ork_project_cost_usd{')).toEqual(['ork_project_cost_usd{project="p-metrics"} 0.01']);
    // Nothing left queued or out.
    expect(metric(text, 'ork_scheduler_jobs{')).toEqual([]);
    expect(metric(text, 'ork_scheduler_process_resident_memory_bytes')).toHaveLength(1);
    expect(metric(text, 'ork_malformed_messages_total{')).toEqual([
      'ork_malformed_messages_total{consumer="scheduler-events"} 0',
      'ork_malformed_messages_total{consumer="scheduler-results"} 1',
      'ork_malformed_messages_total{consumer="runner-registry"} 0',
    ]);
  }, 30_000);
});
