import type { INestApplication } from '@nestjs/common';
import type { Consumption } from '@orkestra/application';
import { CORRELATION_HEADER, JOBS_STREAM, RESULTS_STREAM, jobSchema, resultMsgId, resultSubject } from '@orkestra/contracts';
import type { Job } from '@orkestra/domain';
import { eventually } from '@orkestra/testing';
import { createApp, loadSchedulerConfig } from '../src/index.js';
import { SchedulerHarness, createTrak, happyRunner } from './support/scheduler-harness.js';

// The scheduler app as deployed, logging JSON lines: what it logs while serving a Trak's events
// and results carries the correlation id of the person's command, and so does everything it
// sends on (the jobs on the bus, the commands it appends).
let harness: SchedulerHarness;
let app: INestApplication;
let runner: Consumption;
const written: string[] = [];
const jobs: { job: Job; correlationId: string | undefined }[] = [];

beforeAll(async () => {
  harness = await SchedulerHarness.create();
  const config = loadSchedulerConfig({
    ORK_SCHEDULER_PORT: '0',
    ORK_SCHEDULER_DATABASE_URL: harness.database.url,
    ORK_SCHEDULER_NATS_URL: harness.nats.url,
    ORK_SCHEDULER_NATS_NAMESPACE: harness.nats.prefix,
    ORK_SCHEDULER_INSTANCE: 'logs-test',
  });
  app = await createApp(config, { logger: { write: (line: string) => void written.push(line) } });
  // A runner that answers every job and, as the real one does, puts the job's correlation id on its results.
  const answer = happyRunner();
  await harness.bus.provision({ streams: [JOBS_STREAM, RESULTS_STREAM], consumers: [{ stream: JOBS_STREAM.name, durable: 'logs-runner', ackWaitMs: 30_000 }], buckets: [] });
  runner = await harness.bus.consume(JOBS_STREAM.name, 'logs-runner', async (message) => {
    const job = jobSchema.parse(message.json());
    const correlationId = message.headers[CORRELATION_HEADER];
    jobs.push({ job, correlationId });
    for (const result of await answer(job)) {
      await harness.bus.publish(resultSubject(result), JSON.stringify(result), { msgId: resultMsgId(result), headers: correlationId === undefined ? {} : { [CORRELATION_HEADER]: correlationId } });
    }
  });
});

afterAll(async () => {
  await runner?.stop();
  await app?.close();
  await harness.cleanup();
});

describe('the scheduler serving a Trak started by a command with a correlation id', () => {
  it('logs each job it queues and each result it records as one JSON line naming the service and that id, and passes the id on', async () => {
    const { metadata, ...create } = createTrak('corr-1', 'p-1');
    await harness.traks.handle('corr-1', create, { actor: metadata.actor!, correlationId: 'req-5f2a' });

    await eventually(async () => expect((await harness.state('corr-1')).status).toBe('Archived'), 15_000);
    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    const queued = lines.filter((line) => line['msg'] === 'job queued');

    expect(queued).toEqual(
      ['corr-1_a0_1', 'corr-1_g0_1', 'corr-1_i1'].map((jobId) => ({
        level: 'info',
        time: expect.any(String),
        service: 'scheduler',
        correlationId: 'req-5f2a',
        jobId,
        kind: expect.any(String),
        trakId: 'corr-1',
        msg: 'job queued',
      })),
    );
    expect(lines.filter((line) => line['msg'] === 'result recorded').map((line) => [line['jobId'], line['kind'], line['correlationId']])).toEqual(
      expect.arrayContaining([
        ['corr-1_a0_1', 'agent-finished', 'req-5f2a'],
        ['corr-1_g0_1', 'gate-finished', 'req-5f2a'],
        ['corr-1_i1', 'integration-finished', 'req-5f2a'],
      ]),
    );
    // Fields stay fields: no line carries another encoded in its message.
    expect(lines.filter((line) => typeof line['msg'] !== 'string' || (line['msg'] as string).startsWith('{'))).toEqual([]);
    expect(jobs.map(({ job, correlationId }) => [job.jobId, correlationId])).toEqual([
      ['corr-1_a0_1', 'req-5f2a'],
      ['corr-1_g0_1', 'req-5f2a'],
      ['corr-1_i1', 'req-5f2a'],
    ]);
    const { events } = await harness.traks.read('corr-1');
    expect(new Set(events.map((event) => event.metadata['correlationId']))).toEqual(new Set(['req-5f2a']));
  }, 30_000);
});
