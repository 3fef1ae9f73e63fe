import { Inject, Injectable } from '@nestjs/common';
import type { Consumption } from '@orkestra/application';
import { MalformedMessageError, logLineSchema, parseMessageData } from '@orkestra/contracts';
import { APP_LOGGER } from '@orkestra/platform';
import type { AppLogger } from '@orkestra/platform';
import { ApiBus } from '../shell/api-bus.js';
import { ApiStores } from '../shell/api-stores.js';
import { LOG_KEEPER } from './log-keeper.consumer.js';
import { jobOfSubject } from './log-lines.js';


const INSERT = `
INSERT INTO read.log_lines (job_id, attempt, seq, stream_seq, trak_id, job_kind, stage_index, iteration, kind, at, line)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
ON CONFLICT (job_id, attempt, seq) DO NOTHING`;

/**
 * Keeps every output line runners publish, so a Trak's logs outlive the stream's three days.
 * A line delivered twice is kept once; a malformed one is refused with its reason and not retried.
 */
@Injectable()
export class LogKeeper {
  private consumption: Consumption | undefined;

  constructor(
    private readonly bus: ApiBus,
    private readonly stores: ApiStores,
    @Inject(APP_LOGGER) private readonly logger: AppLogger,
  ) {}

  async start(): Promise<void> {
    const { bus } = this.bus;
    if (bus === undefined) return;
    this.consumption = await bus.consume(
      LOG_KEEPER.stream,
      LOG_KEEPER.durable,
      async (message) => {
        const job = jobOfSubject(message.subject);
        const line = job === undefined ? new MalformedMessageError('log line', `subject ${message.subject} names no job of a Trak`) : parseMessageData(logLineSchema, message.data, 'log line');
        if (line instanceof MalformedMessageError || job === undefined) {
          const reason = line instanceof MalformedMessageError ? line.reason : 'no job';
          this.logger.warn({ consumer: LOG_KEEPER.durable, subject: message.subject, reason }, 'malformed message refused');
          return message.term(reason);
        }
        const { jobId, ref } = job;
        const stageIndex = ref.kind === 'integration' ? null : ref.stageIndex;
        const iteration = ref.kind === 'integration' ? null : ref.iteration;
        await this.stores.pool.query(INSERT, [jobId, line.attempt, line.seq, message.seq, ref.trakId, ref.kind, stageIndex, iteration, line.kind, line.at, JSON.stringify(line)]);
      },
      { concurrency: 8, onError: (error, message) => this.logger.warn({ subject: message.subject, error: String(error) }, 'keeping a log line failed; it will be delivered again') },
    );
  }

  async stop(): Promise<void> {
    await this.consumption?.stop();
    this.consumption = undefined;
  }
}
