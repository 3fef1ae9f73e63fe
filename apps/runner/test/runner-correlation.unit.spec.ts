import { InProcessBus } from '@orkestra/application';
import type { BusMessage } from '@orkestra/application';
import { CORRELATION_HEADER, RESULTS_STREAM, jobSubject } from '@orkestra/contracts';
import type { GateRunJob, JobResult } from '@orkestra/domain';
import { createLogger, logWith, serviceLogger } from '@orkestra/platform';
import { eventually } from '@orkestra/testing';
import { RunnerService } from '../src/service/runner-service.js';
import type { JobExecutor } from '../src/service/runner-service.js';

const gateJob = (jobId: string): GateRunJob => ({
  kind: 'gate-run',
  jobId,
  trakId: 't-1',
  projectId: 'p-1',
  stage: 'work',
  iteration: 1,
  command: 'npm test',
  timeoutSeconds: 60,
  repo: { branch: 'ork/t-1', baseBranch: 'main' },
  env: {},
});

describe('a runner serving a job', () => {
  let bus: InProcessBus;
  let service: RunnerService;
  const written: string[] = [];
  const results: { result: JobResult; correlationId: string | undefined }[] = [];

  beforeEach(async () => {
    bus = new InProcessBus();
    written.length = 0;
    results.length = 0;
    const logger = serviceLogger(createLogger({ destination: { write: (line: string) => void written.push(line) } }), 'runner');
    // A gate that logs a line of its own through the runner while it runs, as a job's work does.
    const executor: JobExecutor = {
      agentRun: () => Promise.reject(new Error('not in this spec')),
      gateRun: async (job) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info({ jobId: job.jobId }, 'gate ran');
        return { kind: 'gate-finished', jobId: job.jobId, exitCode: 0, timedOut: false, output: 'ok' };
      },
      integration: () => Promise.reject(new Error('not in this spec')),
    };
    service = new RunnerService({ bus, executor, identity: { name: 'box-1', labels: [], agents: [], slots: 1 }, heartbeatMs: 100, log: logWith(logger) });
    await service.start();
    await bus.provision({ streams: [RESULTS_STREAM], consumers: [{ stream: RESULTS_STREAM.name, durable: 'probe', ackWaitMs: 10_000 }], buckets: [] });
    await bus.consume(RESULTS_STREAM.name, 'probe', async (message: BusMessage) => {
      results.push({ result: message.json() as JobResult, correlationId: message.headers[CORRELATION_HEADER] });
    });
  });

  afterEach(async () => {
    await service.drain(1_000);
    await bus.close();
  });

  const lines = () => written.map((line) => JSON.parse(line) as Record<string, unknown>);

  it('logs what it does for the job with the correlation id the job came with, and puts that id on the result', async () => {
    const job = gateJob('t-1_g0_1');
    await bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId, headers: { [CORRELATION_HEADER]: 'req-9c1d' } });

    await eventually(() => expect(results.map((r) => [r.result.kind, r.correlationId])).toEqual([['gate-finished', 'req-9c1d']]));
    expect(lines().filter((line) => line['msg'] === 'gate ran')).toEqual([
      { level: 'info', time: expect.any(String), service: 'runner', correlationId: 'req-9c1d', jobId: 't-1_g0_1', msg: 'gate ran' },
    ]);
    expect(lines().filter((line) => line['msg'] === 'runner started')[0]).not.toHaveProperty('correlationId');
  });

  it('given a job from a scheduler that sent no correlation id, serves it under the job id', async () => {
    const job = gateJob('t-1_g0_2');
    await bus.publish(jobSubject(job), JSON.stringify(job), { msgId: job.jobId });

    await eventually(() => expect(results.map((r) => r.correlationId)).toEqual(['t-1_g0_2']));
    expect(lines().find((line) => line['msg'] === 'gate ran')).toMatchObject({ correlationId: 't-1_g0_2' });
  });
});
