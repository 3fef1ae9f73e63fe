import type { JobResult } from '@orkestra/domain';
import {
  MalformedMessageError,
  eventSubject,
  jobCancelSchema,
  jobResultSchema,
  jobSubject,
  logLineSchema,
  parseMessage,
  publishedEventSchema,
  resultMsgId,
  resultSubject,
  runnerEntrySchema,
} from '../src/index.js';

const reasonOf = (parsed: unknown): string => {
  if (!(parsed instanceof MalformedMessageError)) throw new Error(`expected a refusal, got ${JSON.stringify(parsed)}`);
  return parsed.reason;
};

describe('results on ORK_RESULTS', () => {
  const results: JobResult[] = [
    { kind: 'agent-started', jobId: 't-1_a0_1', runnerId: 'box-1', sessionId: 'ses-1' },
    { kind: 'agent-started', jobId: 't-1_a0_1', runnerId: 'box-1', incarnation: 'life-2', sessionId: 'ses-1' },
    { kind: 'agent-finished', jobId: 't-1_a0_1', output: { type: 'questions', questions: [{ question: 'Which port?', options: [{ label: '8080' }] }] }, usage: { inputTokens: 1, outputTokens: 2, costUsd: 0.5 } },
    { kind: 'agent-failed', jobId: 't-1_a0_1', reason: 'RateLimited', message: '429', resetAt: '2026-11-24T11:00:00.000Z' },
    { kind: 'gate-finished', jobId: 't-1_g0_1', exitCode: null, timedOut: true, output: '' },
    { kind: 'integration-finished', jobId: 't-1_i1', result: { kind: 'conflict', message: 'both changed', conflictFiles: ['a.ts'] } },
  ];

  it.each(results.map((r) => [r.kind, r]))('parse unchanged: %s', (_kind, result) => {
    expect(parseMessage(jobResultSchema, JSON.parse(JSON.stringify(result)), 'result')).toEqual(result);
  });

  it('are refused when they say something the domain does not know', () => {
    expect(reasonOf(parseMessage(jobResultSchema, { kind: 'agent-failed', jobId: 'j', reason: 'Bored', message: '' }, 'result'))).toBe(
      'result.reason: expected "Exited" | "TimedOut" | "Stalled" | "ApiError" | "RateLimited" | "Lost" | "SpawnFailed" | "SetupFailed"',
    );
    expect(reasonOf(parseMessage(jobResultSchema, { kind: 'agent-finished', jobId: 'j', output: { type: 'approval', decision: 'maybe', content: '' } }, 'result'))).toBe(
      'result.output.decision: expected "approve" | "reject"',
    );
    expect(reasonOf(parseMessage(jobResultSchema, { kind: 'gate-finished', jobId: '', exitCode: 0, timedOut: false, output: '' }, 'result'))).toMatch(/^result\.jobId: /);
  });
});

describe('events on ORK_EVENTS', () => {
  const published = {
    id: 'e-1',
    streamId: 'trak-t-1',
    streamPosition: 1,
    globalPosition: 42,
    transactionId: '901',
    type: 'TrakCreated',
    data: { trakId: 't-1' },
    metadata: { projectId: 'p-1' },
    schemaVersion: 1,
    createdAt: '2026-11-24T10:00:00.000Z',
  };

  it('parse as the relay publishes them, on a subject naming project, stream and type', () => {
    expect(parseMessage(publishedEventSchema, published, 'event')).toEqual(published);
    expect(eventSubject(published)).toBe('ork.evt.p-1.trak.trak-t-1.TrakCreated');
  });

  it('are refused without a position', () => {
    const { streamPosition: _, ...unplaced } = published;
    expect(reasonOf(parseMessage(publishedEventSchema, unplaced, 'event'))).toBe('event.streamPosition: missing (expected number)');
  });
});

describe('runner registry entries, call-offs and log lines', () => {
  it('parse as the runner and the scheduler write them', () => {
    const entry = { name: 'box-1', labels: ['linux'], agents: ['claudecode'], slots: 2, busy: 1, jobs: ['t-1_a0_1'], startedAt: 'a', lastSeen: 'b', malformed: { jobs: 1 } };
    expect(parseMessage(runnerEntrySchema, entry, 'runner')).toEqual(entry);
    expect(parseMessage(jobCancelSchema, { reason: 'the Trak is finished', at: 'now' }, 'call-off')).toEqual({ reason: 'the Trak is finished', at: 'now' });
    const line = { seq: 3, attempt: 1, at: 'now', kind: 'tool_use', tool: 'Bash', input: { command: 'ls' }, subagent: false };
    expect(parseMessage(logLineSchema, line, 'log line')).toEqual(line);
  });

  it('are refused when a field is missing or of another kind', () => {
    expect(reasonOf(parseMessage(runnerEntrySchema, { name: 'box-1', labels: [], agents: ['cursor'], slots: 1, busy: 0, jobs: [], startedAt: 'a', lastSeen: 'b' }, 'runner'))).toBe(
      'runner.agents[0]: expected "claudecode" | "opencode"',
    );
    expect(reasonOf(parseMessage(jobCancelSchema, { why: 'x' }, 'call-off'))).toBe('call-off.reason: missing (expected string); call-off.at: missing (expected string)');
    expect(reasonOf(parseMessage(logLineSchema, { seq: 1, attempt: 1, at: 'now', kind: 'shout' }, 'log line'))).toMatch(/^log line\.kind: expected "session" \| "text"/);
  });
});

describe('subjects', () => {
  it('route a job by kind and agent, and a result by job', () => {
    expect(jobSubject({ kind: 'agent-run', stage: { agent: { kind: 'opencode' } } })).toBe('ork.job.agent-run.opencode');
    expect(jobSubject({ kind: 'gate-run' })).toBe('ork.job.gate-run.any');
    expect(resultSubject({ kind: 'gate-finished', jobId: 't.1' })).toBe('ork.res.t_1.gate-finished');
    expect(resultMsgId({ kind: 'agent-finished', jobId: 'j' })).toBe('j:agent-finished');
  });

  it('give each runner and each life of a runner its own start of a job, so a takeover is not dropped as a duplicate', () => {
    const ids = [
      resultMsgId({ kind: 'agent-started', jobId: 'j', runnerId: 'box-2', incarnation: 'life-1' }),
      resultMsgId({ kind: 'agent-started', jobId: 'j', runnerId: 'box-2', incarnation: 'life-2' }),
      resultMsgId({ kind: 'agent-started', jobId: 'j', runnerId: 'box-3', incarnation: 'life-1' }),
    ];
    expect(new Set(ids).size).toBe(3);
    expect(ids[0]).toBe(resultMsgId({ kind: 'agent-started', jobId: 'j', runnerId: 'box-2', incarnation: 'life-1' }));
  });
});
