import type * as testcontainers from 'testcontainers';
import { findServer, ServiceUnavailableError, type DiscoveryDeps, type ServiceKind } from '../src/service-discovery.js';

const kind: ServiceKind = {
  label: 'Postgres',
  envVar: 'DATABASE_URL',
  localUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  defaultPort: 5432,
  startCommand: 'pg_ctlcluster main start',
  startContainer: async () => 'postgres://postgres:postgres@10.0.0.9:32768/postgres',
};

const runtime = {} as typeof testcontainers;

function deps(reachable: string[], containers: DiscoveryDeps['containers'], env: DiscoveryDeps['env'] = {}) {
  const probed: string[] = [];
  const value: DiscoveryDeps = {
    env,
    probe: async (url) => {
      probed.push(`${url.hostname}:${url.port}`);
      return reachable.includes(`${url.hostname}:${url.port}`) ? undefined : 'ECONNREFUSED';
    },
    containers,
  };
  return { deps: value, probed };
}

describe('findServer', () => {
  it('uses the env URL when it answers', async () => {
    const { deps: d } = deps(['db.example:6543'], async () => runtime, { DATABASE_URL: 'postgres://u:secret@db.example:6543/app' });

    await expect(findServer(kind, d)).resolves.toBe('postgres://u:secret@db.example:6543/app');
  });

  it('fails on an unreachable env URL without trying anything else, and hides its password', async () => {
    const { deps: d, probed } = deps(['127.0.0.1:5432'], async () => runtime, { DATABASE_URL: 'postgres://u:secret@db.example/app' });

    const error = await findServer(kind, d).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toContain('DATABASE_URL=postgres://u:***@db.example/app is not reachable (ECONNREFUSED)');
    expect((error as Error).message).not.toContain('secret');
    expect(probed).toEqual(['db.example:5432']);
  });

  it('uses the local default when the env var is unset', async () => {
    const { deps: d } = deps(['127.0.0.1:5432'], async () => 'should not be asked');

    await expect(findServer(kind, d)).resolves.toBe(kind.localUrl);
  });

  it('starts a container when nothing local answers and a runtime exists', async () => {
    const { deps: d } = deps([], async () => runtime);

    await expect(findServer(kind, d)).resolves.toBe('postgres://postgres:postgres@10.0.0.9:32768/postgres');
  });

  it('says what to start when there is no server and no container runtime', async () => {
    const { deps: d } = deps([], async () => 'Could not find a working container runtime strategy');

    const error = findServer(kind, d);

    await expect(error).rejects.toThrow(ServiceUnavailableError);
    await expect(error).rejects.toThrow(/DATABASE_URL is not set, .*127\.0\.0\.1:5432.* not reachable \(ECONNREFUSED\)/);
    await expect(error).rejects.toThrow('Could not find a working container runtime strategy');
    await expect(error).rejects.toThrow('pg_ctlcluster main start');
  });
});
