import { assertValidKey } from './bus.errors.js';
import type { KeyValueBucket, KeyValueBucketSpec, KeyValueEntry } from './bus.port.js';

interface Stored {
  readonly json: string;
  readonly revision: number;
  readonly writtenAt: number;
}

/** A key-value bucket in memory. Values are kept as JSON, so a reader never shares a writer's object. */
export class InProcessBucket implements KeyValueBucket {
  private readonly stored = new Map<string, Stored>();
  private revision = 0;

  constructor(
    public spec: KeyValueBucketSpec,
    private readonly now: () => number,
  ) {}

  async put(key: string, value: unknown): Promise<number> {
    assertValidKey(key);
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`Bucket ${this.spec.name}: the value for ${key} cannot be written as JSON`);
    this.stored.set(key, { json, revision: ++this.revision, writtenAt: this.now() });
    return this.revision;
  }

  async get(key: string): Promise<KeyValueEntry | undefined> {
    assertValidKey(key);
    const stored = this.live(key);
    return stored && { key, value: JSON.parse(stored.json) as unknown, revision: stored.revision };
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    this.revision++;
    this.stored.delete(key);
  }

  async entries(): Promise<KeyValueEntry[]> {
    const keys = [...this.stored.keys()].sort();
    const entries = await Promise.all(keys.map((key) => this.get(key)));
    return entries.filter((entry) => entry !== undefined);
  }

  private live(key: string): Stored | undefined {
    const stored = this.stored.get(key);
    const ttl = this.spec.ttlMs;
    if (stored && ttl !== undefined && ttl > 0 && stored.writtenAt + ttl <= this.now()) {
      this.stored.delete(key);
      return undefined;
    }
    return stored;
  }
}
