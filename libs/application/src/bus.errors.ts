import { hasCode } from './error-code.js';

/** `consume` on a durable consumer that was never provisioned (or whose stream is gone). */
export class ConsumerNotFoundError extends Error {
  readonly code = 'BUS.CONSUMER_NOT_FOUND' as const;

  constructor(
    readonly stream: string,
    readonly durable: string,
    options?: ErrorOptions,
  ) {
    super(`Consumer ${durable} on stream ${stream} is not provisioned; add it to the topology passed to Bus.provision()`, options);
    this.name = 'ConsumerNotFoundError';
  }

  static is(error: unknown): error is ConsumerNotFoundError {
    return hasCode(error, 'BUS.CONSUMER_NOT_FOUND');
  }
}

/** `bucket` on a key-value bucket that was never provisioned. */
export class BucketNotFoundError extends Error {
  readonly code = 'BUS.BUCKET_NOT_FOUND' as const;

  constructor(
    readonly bucket: string,
    options?: ErrorOptions,
  ) {
    super(`Key-value bucket ${bucket} is not provisioned; add it to the topology passed to Bus.provision()`, options);
    this.name = 'BucketNotFoundError';
  }

  static is(error: unknown): error is BucketNotFoundError {
    return hasCode(error, 'BUS.BUCKET_NOT_FOUND');
  }
}

/** A publish on a subject that no provisioned stream captures: the message would be lost. */
export class NoStreamForSubjectError extends Error {
  readonly code = 'BUS.NO_STREAM_FOR_SUBJECT' as const;

  constructor(
    readonly subject: string,
    options?: ErrorOptions,
  ) {
    super(`No stream captures subject ${subject}; provision a stream for it before publishing`, options);
    this.name = 'NoStreamForSubjectError';
  }

  static is(error: unknown): error is NoStreamForSubjectError {
    return hasCode(error, 'BUS.NO_STREAM_FOR_SUBJECT');
  }
}

/** `follow` on a stream that was never provisioned, or a following whose stream was deleted under it. */
export class StreamNotFoundError extends Error {
  readonly code = 'BUS.STREAM_NOT_FOUND' as const;

  constructor(
    readonly stream: string,
    options?: ErrorOptions,
  ) {
    super(`Stream ${stream} is not provisioned; add it to the topology passed to Bus.provision()`, options);
    this.name = 'StreamNotFoundError';
  }

  static is(error: unknown): error is StreamNotFoundError {
    return hasCode(error, 'BUS.STREAM_NOT_FOUND');
  }
}

/**
 * `follow` from a sequence the stream no longer keeps (aged out, or dropped for space): reading
 * on from the first kept message would silently skip what the cursor's owner never saw.
 */
export class CursorExpiredError extends Error {
  readonly code = 'BUS.CURSOR_EXPIRED' as const;

  constructor(
    readonly stream: string,
    /** The sequence asked to start after. */
    readonly afterSeq: number,
    /** The oldest sequence the stream still keeps (the next one to come when it keeps none). */
    readonly firstSeq: number,
  ) {
    super(`Cursor ${afterSeq} on stream ${stream} has expired: the stream no longer keeps messages before sequence ${firstSeq}`);
    this.name = 'CursorExpiredError';
  }

  static is(error: unknown): error is CursorExpiredError {
    return hasCode(error, 'BUS.CURSOR_EXPIRED');
  }
}

/** A topology the bus refuses: overlapping work-queue consumers, a changed retention, an unknown stream… */
export class TopologyError extends Error {
  readonly code = 'BUS.TOPOLOGY' as const;

  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'TopologyError';
  }

  static is(error: unknown): error is TopologyError {
    return hasCode(error, 'BUS.TOPOLOGY');
  }
}

/** A key-value key that is not a single subject token (letters, digits, `-`, `_`). */
export class InvalidKeyError extends Error {
  readonly code = 'BUS.INVALID_KEY' as const;

  constructor(readonly key: string) {
    super(`Key-value key ${JSON.stringify(key)} may hold only letters, digits, - and _`);
    this.name = 'InvalidKeyError';
  }

  static is(error: unknown): error is InvalidKeyError {
    return hasCode(error, 'BUS.INVALID_KEY');
  }
}

/** Throws InvalidKeyError unless `key` is a valid key-value key. */
export function assertValidKey(key: string): void {
  if (!/^[A-Za-z0-9_-]+$/.test(key)) throw new InvalidKeyError(key);
}
