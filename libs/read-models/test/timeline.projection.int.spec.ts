import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { trakCommands, trakStreamId } from '@orkestra/application';
import type { HandleResult } from '@orkestra/application';
import type { TrakCommand, TrakState } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { testDatabase, trakFixtures } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { AGENT_RUNS_TABLE, GATE_RUNS_TABLE, ITERATIONS_TABLE, TimelineProjection, rowFrom, timelineOf } from '../src/index.js';
import { catchUpFully } from './support/catch-up.js';

const {
  agentRunFailure,
  agentRunResult,
  agentRunStarted,
  approve,
  cancel,
  createTrak,
  gateResult,
  gatedFlow,
  interrupt,
  minutesLater: at,
  reject,
  requestAgentRun,
  requestGateRun,
  retry,
  sender,
} = trakFixtures;

const NAME = 'read.trak_timeline';
let database: TestDatabase;
let pool: pg.Pool;
let handle: (trakId: string, command: TrakCommand) => Promise<HandleResult<TrakState>>;

const runnerFor = (projection: TimelineProjection, batchSize = 5): ProjectionRunner =>
  new ProjectionRunner({ pool, databaseUrl: database.url, projections: [projection], batchSize });

async function tables(): Promise<{ iterations: Record<string, unknown>[]; runs: Record<string, unknown>[]; gates: Record<string, unknown>[] }> {
  const read = async (table: string, order: string) => (await pool.query(`SELECT * FROM ${table} ORDER BY ${order}`)).rows;
  return {
    iterations: await read('read.trak_iterations', 'trak_id, position'),
    runs: await read('read.agent_runs', 'trak_id, position'),
    gates: await read('read.gate_runs', 'trak_id, position'),
  };
}

const usage = (n: number) => ({ inputTokens: 1000 * n, outputTokens: 100 * n, costUsd: 0.01 * n });

/** One pass of the agent and the gate over the Trak's current iteration, minutes `m`…`m+4`. */
async function work(trakId: string, n: number, m: number, gateExit: number): Promise<void> {
  await handle(trakId, requestAgentRun(`r${n}`, at(m)));
  await handle(trakId, agentRunStarted(`r${n}`, 'runner-1', 'sess-1', at(m + 1)));
  await handle(trakId, agentRunResult(`r${n}`, { type: 'artifact', content: `take ${n}` }, usage(n), at(m + 2)));
  await handle(trakId, requestGateRun(`g${n}`, at(m + 3)));
  await handle(trakId, gateResult(`g${n}`, gateExit, gateExit === 0 ? 'all green' : '1 failing', at(m + 4)));
}

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 8 });
  handle = sender(trakCommands({ store: new PostgresEventStore(pool) }));
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('the timeline read models', () => {
  it('show a Trak driven through a gate failure, a retry, a rejection and an approval, row by row', async () => {
    await handle('t-1', createTrak('t-1', 'p-1', gatedFlow));
    await work('t-1', 1, 1, 1); // the gate fails: the stage runs again with its output
    await work('t-1', 2, 10, 0);
    await handle('t-1', retry('handle HEAD too', at(20)));
    await work('t-1', 3, 21, 0);
    await handle('t-1', reject('needs a test', at(30)));
    await work('t-1', 4, 31, 0);
    await handle('t-1', approve(at(40)));

    await catchUpFully(pool, runnerFor(new TimelineProjection()), NAME);
    const { iterations, runs, gates } = await tables();

    const iteration = (n: number, position: number, trigger: unknown, startedAt: string, endedAt: string, outcome: string, detail: string, attempts = 0) => ({
      trak_id: 't-1', stage: 'work', iteration: n, position: String(position), trigger, attempts, started_at: new Date(startedAt),
      ended_at: new Date(endedAt), outcome, outcome_detail: detail, artifact: 'summary',
    });
    expect(iterations).toEqual([
      iteration(1, 2, null, at(0), at(5), 'gate_failed', 'exit code 1 (attempt 1 of 3)'),
      iteration(2, 9, { kind: 'gate_failure', error: 'Gate failed with exit code 1:\n1 failing' }, at(5), at(20), 'retried', 'handle HEAD too', 1),
      iteration(3, 16, { kind: 'user_message', message: 'handle HEAD too' }, at(20), at(30), 'rejected', 'needs a test'),
      iteration(4, 24, { kind: 'rejection', fromStage: 'work', feedback: 'needs a test' }, at(30), at(40), 'approved', 'approved by a person'),
    ]);

    const run = (n: number, position: number, m: number) => ({
      trak_id: 't-1', run_id: `r${n}`, stage: 'work', iteration: n, position: String(position), agent: 'claudecode', model: 'claude-sonnet-4-5',
      requested_at: new Date(at(m)), runner_id: 'runner-1', taken_over_from: null, started_at: new Date(at(m + 1)), session_id: 'sess-1', ended_at: new Date(at(m + 2)),
      status: 'completed', failure_reason: null, failure_message: null, input_tokens: 1000 * n, output_tokens: 100 * n, cost_usd: 0.01 * n,
      output_type: 'artifact',
    });
    expect(runs).toEqual([run(1, 3, 1), run(2, 10, 10), run(3, 17, 21), run(4, 25, 31)]);

    const gate = (n: number, position: number, m: number, exitCode: number) => ({
      trak_id: 't-1', gate_run_id: `g${n}`, stage: 'work', iteration: n, position: String(position), command: 'npm test',
      requested_at: new Date(at(m + 3)), ended_at: new Date(at(m + 4)), status: exitCode === 0 ? 'passed' : 'failed', passed: exitCode === 0,
      exit_code: exitCode, timed_out: false, output: exitCode === 0 ? 'all green' : '1 failing',
    });
    expect(gates).toEqual([gate(1, 7, 1, 1), gate(2, 14, 10, 0), gate(3, 21, 21, 0), gate(4, 29, 31, 0)]);
  });

  it('keeps a run a person stopped, and a crashed run with its reason', async () => {
    await handle('t-2', createTrak('t-2', 'p-1', gatedFlow));
    await handle('t-2', requestAgentRun('r1', at(1)));
    await handle('t-2', agentRunFailure('r1', 'Exited', 'exit code 137', at(2)));
    await handle('t-2', requestAgentRun('r2', at(5)));
    await handle('t-2', agentRunStarted('r2', 'runner-2', undefined, at(6)));
    await handle('t-2', interrupt(at(7)));
    await handle('t-2', cancel('not needed'));

    await catchUpFully(pool, runnerFor(new TimelineProjection()), NAME);
    const { iterations, runs } = await tables();

    expect(iterations.filter((r) => r['trak_id'] === 't-2').map((r) => [r['iteration'], r['outcome'], r['outcome_detail']])).toEqual([
      [1, 'agent_error', 'Exited: exit code 137'],
      [2, 'interrupted', null],
    ]);
    expect(runs.filter((r) => r['trak_id'] === 't-2').map((r) => [r['run_id'], r['status'], r['failure_reason'], r['runner_id'], r['ended_at']])).toEqual([
      ['r1', 'failed', 'Exited', null, new Date(at(2))],
      ['r2', 'stopped', 'Interrupted', 'runner-2', new Date(at(7))],
    ]);
  });

  it('hold exactly the rows the Trak\'s stream folds to', async () => {
    for (const trakId of ['t-1', 't-2']) {
      const { events } = await new PostgresEventStore(pool).readStream(trakStreamId(trakId));
      const folded = timelineOf(events);
      const { rows: iterations } = await pool.query('SELECT * FROM read.trak_iterations WHERE trak_id = $1 ORDER BY position', [trakId]);
      const { rows: runs } = await pool.query('SELECT * FROM read.agent_runs WHERE trak_id = $1 ORDER BY position', [trakId]);
      const { rows: gates } = await pool.query('SELECT * FROM read.gate_runs WHERE trak_id = $1 ORDER BY position', [trakId]);
      expect(iterations.map((r) => rowFrom(ITERATIONS_TABLE, r))).toEqual(folded.iterations);
      expect(runs.map((r) => rowFrom(AGENT_RUNS_TABLE, r))).toEqual(folded.runs);
      expect(gates.map((r) => rowFrom(GATE_RUNS_TABLE, r))).toEqual(folded.gates);
    }
  });

  it('are rebuilt from the log exactly as they were, whatever the batch size', async () => {
    const before = await tables();
    await pool.query(`UPDATE read.trak_iterations SET outcome = 'skipped' WHERE trak_id = 't-1' AND iteration = 1`);
    await pool.query(`DELETE FROM read.gate_runs WHERE trak_id = 't-1' AND gate_run_id = 'g2'`);

    const progress = await runnerFor(new TimelineProjection(), 2_000).rebuild(NAME);
    expect(progress.events).toBeGreaterThan(0);
    expect(await tables()).toEqual(before);

    await runnerFor(new TimelineProjection(), 1).rebuild(NAME);
    expect(await tables()).toEqual(before);
  });
});
