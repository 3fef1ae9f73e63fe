/**
 * A bounded queue read as an async iterator: what a GraphQL subscription hands graphql-ws. The
 * producer pushes; a consumer that falls more than `limit` items behind is ended with `onOverflow`'s
 * error (it reconnects with its cursor and misses nothing). When it ends (the client went away, or
 * it failed), what was registered with `whenClosed` runs once, even if registered afterwards.
 */
export class Channel<T> implements AsyncIterableIterator<T> {
  private readonly items: T[] = [];
  private readonly waiting: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void }[] = [];
  private failure: unknown;
  private done = false;
  private readonly closers: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly onOverflow: () => Error,
  ) {}

  /** Runs `close` when the channel ends, or at once when it already has (e.g. the client left while the producer was starting). */
  whenClosed(close: () => void): void {
    if (this.done) close();
    else this.closers.push(close);
  }

  push(item: T): void {
    if (this.done) return;
    const next = this.waiting.shift();
    if (next !== undefined) return next.resolve({ value: item, done: false });
    if (this.items.length >= this.limit) return this.fail(this.onOverflow());
    this.items.push(item);
  }

  /** Ends the iteration with an error once the items already queued are read. */
  fail(error: unknown): void {
    if (this.done) return;
    this.failure = error;
    this.finish();
  }

  next(): Promise<IteratorResult<T>> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve({ value: item, done: false });
    if (this.failure !== undefined) {
      const error = this.failure;
      this.failure = undefined;
      return Promise.reject(error);
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    this.items.length = 0;
    this.failure = undefined;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<T> {
    return this;
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const close of this.closers.splice(0)) close();
    if (this.items.length > 0) return;
    const failure = this.failure;
    this.failure = undefined;
    for (const waiter of this.waiting.splice(0)) {
      if (failure !== undefined) waiter.reject(failure);
      else waiter.resolve({ value: undefined, done: true });
    }
  }
}
