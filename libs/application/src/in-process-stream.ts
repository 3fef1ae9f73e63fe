import type { StreamBounds } from './bus.follow.js';
import type { PublishAck, PublishOptions, StreamSpec } from './bus.port.js';
import { subjectMatches } from './bus.subjects.js';

/** A message as an in-process stream holds it. */
export interface StoredMessage {
  readonly seq: number;
  readonly subject: string;
  readonly data: Uint8Array;
  readonly msgId: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly storedAt: number;
  readonly size: number;
}

const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60_000;

/** One stream's messages in sequence order, with its duplicate window and its age and size limits. */
export class InProcessStream {
  private messages: StoredMessage[] = [];
  private sequence = 0;
  private bytes = 0;
  /** Message ids in the order they were stored, so the oldest leave the window first. */
  private readonly recentIds = new Map<string, { readonly seq: number; readonly at: number }>();

  constructor(
    public spec: StreamSpec,
    private readonly now: () => number,
  ) {}

  /** Sequence of the last message stored, 0 before the first. */
  get lastSeq(): number {
    return this.sequence;
  }

  captures(subject: string): boolean {
    return this.spec.subjects.some((pattern) => subjectMatches(pattern, subject));
  }

  store(subject: string, data: Uint8Array, options: PublishOptions): PublishAck {
    const now = this.now();
    this.prune(now);
    const seen = this.recentIds.get(options.msgId);
    if (seen) return { stream: this.spec.name, seq: seen.seq, duplicate: true };

    const headers = { ...options.headers };
    const size = subject.length + data.byteLength + Object.entries(headers).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
    const message: StoredMessage = { seq: ++this.sequence, subject, data: data.slice(), msgId: options.msgId, headers, storedAt: now, size };
    this.messages.push(message);
    this.bytes += size;
    this.recentIds.set(options.msgId, { seq: message.seq, at: now });
    this.prune(now);
    return { stream: this.spec.name, seq: message.seq, duplicate: false };
  }

  get(seq: number): StoredMessage | undefined {
    this.prune(this.now());
    const message = this.messages[this.indexOf(seq)];
    return message?.seq === seq ? message : undefined;
  }

  /** The first message at or after `seq` whose subject `accepts`. */
  firstFrom(seq: number, accepts: (subject: string) => boolean): StoredMessage | undefined {
    this.prune(this.now());
    for (let i = this.indexOf(seq); i < this.messages.length; i++) {
      const message = this.messages[i]!;
      if (accepts(message.subject)) return message;
    }
    return undefined;
  }

  /** The oldest sequence kept (the next to come when none is) and the last stored. */
  bounds(): StreamBounds {
    this.prune(this.now());
    return { firstSeq: this.messages[0]?.seq ?? this.sequence + 1, lastSeq: this.sequence };
  }

  /** How many kept messages after `after` and up to `through` `accepts`. */
  count(after: number, through: number, accepts: (subject: string) => boolean): number {
    let count = 0;
    for (let i = this.indexOf(after + 1); i < this.messages.length && this.messages[i]!.seq <= through; i++) {
      if (accepts(this.messages[i]!.subject)) count++;
    }
    return count;
  }

  remove(seq: number): void {
    const index = this.indexOf(seq);
    const message = this.messages[index];
    if (message?.seq !== seq) return;
    this.messages.splice(index, 1);
    this.bytes -= message.size;
  }

  private prune(now: number): void {
    const { maxAgeMs, maxBytes } = this.spec;
    const window = Math.min(this.spec.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS, maxAgeMs ? maxAgeMs : Number.POSITIVE_INFINITY);
    let drop = 0;
    let bytes = this.bytes;
    for (const message of this.messages) {
      const tooOld = maxAgeMs !== undefined && maxAgeMs > 0 && message.storedAt + maxAgeMs <= now;
      const tooBig = maxBytes !== undefined && bytes > maxBytes;
      if (!tooOld && !tooBig) break;
      bytes -= message.size;
      drop++;
    }
    if (drop > 0) {
      this.messages = this.messages.slice(drop);
      this.bytes = bytes;
    }
    for (const [id, { at }] of this.recentIds) {
      if (at + window > now) break;
      this.recentIds.delete(id);
    }
  }

  /** Index of the first message with a sequence at or after `seq`. */
  private indexOf(seq: number): number {
    let [low, high] = [0, this.messages.length];
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.messages[middle]!.seq < seq) low = middle + 1;
      else high = middle;
    }
    return low;
  }
}
