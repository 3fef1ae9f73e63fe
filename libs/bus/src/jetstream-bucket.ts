import type { JetStreamClient, JetStreamManager, StoredMsg } from '@nats-io/jetstream';
import { Empty, headers } from '@nats-io/transport-node';
import { assertValidKey } from '@orkestra/application';
import type { KeyValueBucket, KeyValueEntry } from '@orkestra/application';
import type { Namespace } from './namespace.js';

const OPERATION_HEADER = 'KV-Operation';

/**
 * A key-value bucket on its JetStream stream, laid out as NATS KV lays it out (`KV_<bucket>`,
 * subjects `$KV.<bucket>.<key>`, one message kept per key, deletes as `KV-Operation: DEL`
 * markers), so the `nats kv` tools can read it. The revision is the stream sequence.
 */
export class JetStreamBucket implements KeyValueBucket {
  private readonly stream: string;

  constructor(
    private readonly name: string,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly namespace: Namespace,
  ) {
    this.stream = namespace.bucketStream(name);
  }

  async put(key: string, value: unknown): Promise<number> {
    assertValidKey(key);
    const json = JSON.stringify(value);
    if (json === undefined) throw new TypeError(`Bucket ${this.name}: the value for ${key} cannot be written as JSON`);
    return (await this.js.publish(this.namespace.bucketSubject(this.name, key), json)).seq;
  }

  async get(key: string): Promise<KeyValueEntry | undefined> {
    assertValidKey(key);
    return this.read(key);
  }

  async delete(key: string): Promise<void> {
    assertValidKey(key);
    const marker = headers();
    marker.set(OPERATION_HEADER, 'DEL');
    await this.js.publish(this.namespace.bucketSubject(this.name, key), Empty, { headers: marker });
  }

  async entries(): Promise<KeyValueEntry[]> {
    const prefix = this.namespace.bucketSubject(this.name, '');
    const info = await this.jsm.streams.info(this.stream, { subjects_filter: this.namespace.bucketSubject(this.name) });
    const keys = Object.keys(info.state.subjects ?? {}).map((subject) => subject.slice(prefix.length)).sort();
    const entries = await Promise.all(keys.map((key) => this.read(key)));
    return entries.filter((entry) => entry !== undefined);
  }

  private async read(key: string): Promise<KeyValueEntry | undefined> {
    const stored: StoredMsg | null = await this.jsm.streams.getMessage(this.stream, { last_by_subj: this.namespace.bucketSubject(this.name, key) });
    if (!stored || stored.header?.get(OPERATION_HEADER)) return undefined;
    return { key, value: stored.json<unknown>(), revision: stored.seq };
  }
}
