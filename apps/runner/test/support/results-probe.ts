import { RESULTS_STREAM, jobResultSchema } from '@orkestra/contracts';
import type { Bus } from '@orkestra/application';
import type { JobResult } from '@orkestra/domain';

/** What the scheduler would see: every result a runner publishes, in order, as long as it keeps consuming. */
export interface ResultsProbe {
  readonly results: JobResult[];
}

/** Reads the results stream through its own durable consumer, as the scheduler does. */
export async function resultsProbe(bus: Bus, durable = 'probe'): Promise<ResultsProbe> {
  await bus.provision({ streams: [RESULTS_STREAM], consumers: [{ stream: RESULTS_STREAM.name, durable, ackWaitMs: 30_000 }], buckets: [] });
  const results: JobResult[] = [];
  await bus.consume(RESULTS_STREAM.name, durable, async (message) => {
    results.push(jobResultSchema.parse(message.json()));
  });
  return { results };
}
