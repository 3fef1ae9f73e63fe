import { trakIdOf } from '@orkestra/application';
import { EVENTS_STREAM, MalformedMessageError, parseMessageData, publishedEventSchema } from '@orkestra/contracts';
import type { DiskReport } from '@orkestra/contracts';
import type { Bus, BusMessage, ConsumerSpec, Consumption } from '@orkestra/application';
import { InvalidGitNameError } from '@orkestra/git';
import type { RunnerGit } from '@orkestra/git';

/** Events after which a Trak's worktree is no longer needed. Failed and blocked Traks keep theirs: a human may retry. */
export const FINISHED_TRAK_EVENTS = ['IntegrationSucceeded', 'TrakArchived', 'TrakCancelled'] as const;

export interface WorktreeCollectionOptions {
  readonly bus: Bus;
  /** The runner's name; each runner has its own durables, since each holds its own worktrees. */
  readonly runnerName: string;
  readonly git: Pick<RunnerGit, 'worktrees' | 'collector'>;
  /** How often disk use is measured (also once at start and after a worktree is removed). Default 5 minutes. */
  readonly diskReportMs?: number;
  readonly now?: () => Date;
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
  /** An event that is not one was refused (it is termed here); for the runner's count. */
  readonly onMalformed?: (subject: string, error: MalformedMessageError) => void;
}

// Removing a big worktree takes a while; the message is kept alive meanwhile.
const ACK_WAIT_MS = 60_000;

/** One durable per finished-Trak event type on `ORK_EVENTS` (nats-server 2.9 allows one filter per consumer). */
export function collectionConsumers(runnerName: string): ConsumerSpec[] {
  return FINISHED_TRAK_EVENTS.map((type) => ({
    stream: EVENTS_STREAM.name,
    durable: `runner-${runnerName}-collect-${type}`,
    filterSubjects: [['ork', 'evt', '*', 'trak', '*', type].join('.')],
    ackWaitMs: ACK_WAIT_MS,
    // A removal that keeps failing is given up after a while rather than retried forever.
    maxDeliver: 10,
  }));
}

/**
 * Removes the worktree and local branch of every Trak that finished (integrated, archived or
 * cancelled), as the events on the bus say; a Trak this runner never worked on is a no-op.
 * Measures disk use per project at start, on a timer and after each removal, for the registry.
 */
export class WorktreeCollection {
  private consumptions: Consumption[] = [];
  private timer: NodeJS.Timeout | undefined;
  private report: DiskReport | undefined;
  private measuring: Promise<void> | undefined;
  private measureAgain = false;

  constructor(private readonly options: WorktreeCollectionOptions) {}

  async start(): Promise<void> {
    const { bus, runnerName } = this.options;
    const consumers = collectionConsumers(runnerName);
    await bus.provision({ streams: [EVENTS_STREAM], consumers, buckets: [] });
    await this.measure();
    this.timer = setInterval(() => void this.measure(), this.options.diskReportMs ?? 5 * 60_000);
    for (const consumer of consumers) {
      this.consumptions.push(
        await bus.consume(EVENTS_STREAM.name, consumer.durable, (message) => this.handle(message), {
          retryDelayMs: 30_000,
          onError: (error, message) => this.log('worktree removal failed; it will be retried', { subject: message.subject, error: String(error) }),
        }),
      );
    }
  }

  /** Stops taking events (waiting for a removal in flight) and measuring. */
  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    const consumptions = this.consumptions;
    this.consumptions = [];
    await Promise.all(consumptions.map((c) => c.stop()));
    await this.measuring;
  }

  /** What goes into the runner's registry entry: `disk`, once measured. */
  status(): { readonly disk?: DiskReport } {
    return this.report === undefined ? {} : { disk: this.report };
  }

  private async handle(message: BusMessage): Promise<void> {
    const event = parseMessageData(publishedEventSchema, message.data, 'event');
    if (event instanceof MalformedMessageError) {
      message.term(event.reason);
      this.options.onMalformed?.(message.subject, event);
      return;
    }
    const trakId = trakIdOf(event.streamId);
    const projectId = event.metadata['projectId'];
    if (trakId === undefined || typeof projectId !== 'string') {
      this.log('not a Trak event with a project id; skipped', { subject: message.subject });
      message.term(`not a Trak event with a project id: ${message.subject}`);
      return;
    }
    const keepAlive = setInterval(() => message.working(), ACK_WAIT_MS / 3);
    try {
      // Worktrees are named by Trak id (a Subtrak's too); remove() finds the branch from the worktree.
      if (await this.options.git.worktrees.remove(projectId, trakId)) {
        this.log('worktree removed', { projectId, trakId, after: event.type });
        void this.measure();
      }
    } catch (error) {
      if (!(error instanceof InvalidGitNameError)) throw error;
      // Not an id this runner could have a worktree for.
      message.term(`not a worktree id: ${projectId}/${trakId}`);
    } finally {
      clearInterval(keepAlive);
    }
  }

  /** Measures disk use; calls during a measurement coalesce into one more afterwards. */
  private measure(): Promise<void> {
    if (this.measuring !== undefined) {
      this.measureAgain = true;
      return this.measuring;
    }
    this.measuring = (async () => {
      do {
        this.measureAgain = false;
        try {
          const projects = await this.options.git.collector.diskUsage();
          const totalBytes = projects.reduce((sum, p) => sum + p.totalBytes, 0);
          this.report = { measuredAt: (this.options.now ?? (() => new Date()))().toISOString(), totalBytes, projects };
          this.log('disk use', { totalBytes, projects: Object.fromEntries(projects.map((p) => [p.projectId, p.totalBytes])) });
        } catch (error) {
          this.log('could not measure disk use', { error: String(error) });
        }
      } while (this.measureAgain);
    })().finally(() => {
      this.measuring = undefined;
    });
    return this.measuring;
  }

  private log(message: string, fields?: Record<string, unknown>): void {
    this.options.log?.(message, fields);
  }
}
