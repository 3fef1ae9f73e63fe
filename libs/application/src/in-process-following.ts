import type { FollowedMessage, FollowHandler, Following } from './bus.port.js';
import type { InProcessStream, StoredMessage } from './in-process-stream.js';

const decoder = new TextDecoder();

/**
 * Reads an in-process stream in order from a sequence, one handler call at a time, straight
 * from the stream (nothing is buffered), and waits for the bus to `notify()` it of new messages.
 */
export class InProcessFollowing implements Following {
  readonly ended: Promise<unknown>;
  private last: number;
  /** For `pending`: `ahead` messages the filter accepts lie after `last`, up to `counted`. */
  private counted: number;
  private ahead = 0;
  private stopped = false;
  private wake: (() => void) | undefined;

  constructor(
    private readonly stream: InProcessStream,
    private readonly accepts: (subject: string) => boolean,
    start: number,
    private readonly handler: FollowHandler,
    onEnd: () => void,
  ) {
    this.last = start;
    this.counted = start;
    this.ended = this.run().finally(onEnd);
  }

  get lastSeq(): number {
    return this.last;
  }

  /** A message was stored on the stream. */
  notify(): void {
    this.wake?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.ended;
  }

  /** Resolves with what ended the following: undefined when stopped, the handler's error when it threw. */
  private async run(): Promise<unknown> {
    // Never call the handler before follow() has returned the Following.
    await Promise.resolve();
    while (!this.stopped) {
      const message = this.stream.firstFrom(this.last + 1, this.accepts);
      if (!message) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      try {
        await this.handler(followed(message, this.pendingAfter(message.seq)));
      } catch (error) {
        return error;
      }
      this.last = message.seq;
    }
    return undefined;
  }

  /** Accepted messages after `seq` (the next one to hand over), counting only what was stored since the last call. */
  private pendingAfter(seq: number): number {
    const { firstSeq, lastSeq } = this.stream.bounds();
    if (firstSeq > this.last + 1) {
      // The stream dropped messages not handed over yet: what was counted may be gone.
      this.ahead = this.stream.count(seq, lastSeq, this.accepts);
    } else {
      this.ahead += this.stream.count(this.counted, lastSeq, this.accepts) - 1;
    }
    this.counted = lastSeq;
    return this.ahead;
  }
}

function followed(message: StoredMessage, pending: number): FollowedMessage {
  const data = message.data.slice();
  return {
    subject: message.subject,
    data,
    msgId: message.msgId,
    headers: { ...message.headers },
    seq: message.seq,
    pending,
    json: <T>() => JSON.parse(decoder.decode(data)) as T,
  };
}
