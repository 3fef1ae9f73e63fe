// The throughput peer, run in its own process by throughput.bench.mjs: Graphile Worker running
// BENCH_TRAKS chains of BENCH_STAGES instant jobs (each job adds the next of its chain) with
// BENCH_CONCURRENCY workers. Prints one JSON line: jobs, seconds, CPU seconds, peak RSS (MB).
import { readFileSync } from 'node:fs';
import { Logger, makeWorkerUtils, run } from 'graphile-worker';

const url = process.env.BENCH_DATABASE_URL;
const traks = Number(process.env.BENCH_TRAKS);
const stages = Number(process.env.BENCH_STAGES);
const concurrency = Number(process.env.BENCH_CONCURRENCY);
const logger = new Logger(() => () => {});

const utils = await makeWorkerUtils({ connectionString: url, logger });
await utils.migrate();
let finished = 0;
let resolveAll;
const all = new Promise((resolve) => (resolveAll = resolve));
const runner = await run({
  connectionString: url,
  concurrency,
  noHandleSignals: true,
  pollInterval: 2_000,
  logger,
  taskList: {
    stage: async ({ trak, stage }, helpers) => {
      if (stage + 1 < stages) await helpers.addJob('stage', { trak, stage: stage + 1 });
      if (++finished === traks * stages) resolveAll();
    },
  },
});
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < traks; i++) await utils.addJob('stage', { trak: i, stage: 0 });
await all;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
await runner.stop();
await utils.release();
console.log(JSON.stringify({ jobs: finished, seconds, cpu: (cpu.user + cpu.system) / 1e6, rssMb: Number(hwm[1]) / 1024 }));
