import { TopologyError } from '@orkestra/application';

/**
 * Puts a namespace in front of every stream, subject and bucket name sent to the server, and
 * takes it off what comes back. Empty by default; tests use one per spec file.
 */
export class Namespace {
  constructor(readonly prefix = '') {
    if (!/^[A-Za-z0-9_-]*$/.test(prefix)) throw new TopologyError(`Namespace ${JSON.stringify(prefix)} may hold only letters, digits, - and _`);
  }

  stream(name: string): string {
    return `${this.prefix}${name}`;
  }

  subject(subject: string): string {
    return `${this.prefix}${subject}`;
  }

  /** The stream behind a key-value bucket, named as NATS KV names it. */
  bucketStream(bucket: string): string {
    return `KV_${this.prefix}${bucket}`;
  }

  /** The subject of `key` in `bucket`; without a key, the wildcard over the whole bucket. */
  bucketSubject(bucket: string, key = '>'): string {
    return `$KV.${this.prefix}${bucket}.${key}`;
  }

  strip(name: string): string {
    return name.startsWith(this.prefix) ? name.slice(this.prefix.length) : name;
  }
}
