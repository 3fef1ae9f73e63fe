import { Args, Context, ID, Resolver, Subscription } from '@nestjs/graphql';
import { CursorExpiredError } from '@orkestra/application';
import { LOGS_STREAM, MalformedMessageError, logLineSchema, parseMessageData, subjectToken } from '@orkestra/contracts';
import type { ApiContext } from '../../shell/api-context.js';
import { ApiBus } from '../../shell/api-bus.js';
import { ApiError } from '../../shell/api-error.js';
import { Channel } from '../../subscriptions/channel.js';
import { TrakReads } from '../../traks/trak-reads.js';
import { LogLine } from '../log-line.model.js';
import { jobOfSubject, logLineView } from '../log-lines.js';

/** A follower may fall this many lines behind before it is cut off (it resumes from its cursor). */
const QUEUE_LIMIT = 5_000;

@Resolver()
export class LogLinesResolver {
  constructor(
    private readonly bus: ApiBus,
    private readonly reads: TrakReads,
  ) {}

  @Subscription(() => LogLine, {
    description: "A Trak's output lines as runners publish them, from NATS; with `after` (a line's cursor, e.g. `logs`' endCursor), first every line since it, in order, each once.",
    resolve: (value: LogLine) => value,
  })
  async logLines(
    @Args('trakId', { type: () => ID }) trakId: string,
    @Args('after', { type: () => String, nullable: true }) after: string | null | undefined,
    @Context() context: ApiContext,
  ): Promise<AsyncIterableIterator<LogLine>> {
    const { bus } = this.bus;
    if (bus === undefined) throw new ApiError('UNAVAILABLE', 'Live logs need the api to be connected to NATS (ORK_API_NATS_URL)');
    if (after != null && !/^\d{1,15}$/.test(after)) throw new ApiError('VALIDATION_FAILED', 'after: must be a cursor from a line', { field: 'after' });
    const { state } = await this.reads.visible(context, trakId);
    const { flow } = state.trak;
    const channel = new Channel<LogLine>(QUEUE_LIMIT, () => new ApiError('CURSOR_EXPIRED', `You fell more than ${QUEUE_LIMIT} lines behind; subscribe again with the last cursor you received`));
    try {
      const following = await bus.follow(LOGS_STREAM.name, { filterSubject: `ork.log.${subjectToken(trakId)}.>`, ...(after != null && { afterSeq: Number(after) }) }, (message) => {
        const job = jobOfSubject(message.subject);
        const line = job === undefined ? undefined : parseMessageData(logLineSchema, message.data, 'log line');
        // The keeper refuses and reports a malformed line; a follower just skips it.
        if (job === undefined || line === undefined || line instanceof MalformedMessageError) return;
        channel.push(logLineView(message.seq, job.jobId, job.ref, line, flow));
      });
      channel.whenClosed(() => void following.stop());
      void following.ended.then((reason) => {
        if (reason !== undefined) channel.fail(new ApiError('UNAVAILABLE', 'The live log stream ended; subscribe again with the last cursor you received'));
      });
    } catch (error) {
      if (CursorExpiredError.is(error)) {
        throw new ApiError('CURSOR_EXPIRED', `Cursor ${after} is older than the live stream keeps; read the rest with logs(after:)`, { field: 'after' });
      }
      throw error;
    }
    return channel;
  }
}
