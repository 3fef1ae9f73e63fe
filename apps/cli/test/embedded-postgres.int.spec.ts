import { chmod, cp, lstat, mkdir, mkdtemp, readlink, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { upLayout } from '../src/up/data-dir.js';
import { EmbeddedPostgres, freePort } from '../src/up/embedded-postgres.js';
import { postgresPackage } from '../src/up/postgres-binaries.js';
import type { PostgresPackage } from '../src/up/postgres-binaries.js';

// The embedded Postgres of `ork up` with a data dir and a checkout where, as root, the OS user
// postgres cannot reach them (under a 0700 directory, as under /root on a fresh machine): the
// cluster and a copy of the binaries go to a system dir of its own (a temp one here, standing for
// /var/lib/orkestra). Run as any other user, Postgres runs as that user and both stay where they are.
const asRoot = process.getuid?.() === 0;
const PASSWORD = 'a-password-of-sixteen-or-more';

let closed: string;
let system: string;
let installed: PostgresPackage;
/** The same package, installed in the closed directory. */
let checkout: PostgresPackage;

beforeAll(async () => {
  closed = await mkdtemp(path.join(tmpdir(), 'ork-pg-closed-'));
  const open = await mkdtemp(path.join(tmpdir(), 'ork-pg-system-'));
  // The system dir itself is made by ork up; its parent is one the OS user postgres passes through.
  await chmod(open, 0o755);
  system = path.join(open, 'orkestra');
  installed = await postgresPackage();
  checkout = { ...installed, native: path.join(closed, 'node_modules', 'native') };
  await cp(installed.native, checkout.native, { recursive: true, verbatimSymlinks: true });
}, 60_000);

afterAll(async () => {
  await rm(closed, { recursive: true, force: true });
  await rm(path.dirname(system), { recursive: true, force: true });
});

/** A data dir under the closed directory, as `ork up` makes it. */
async function dataDir(name: string): Promise<ReturnType<typeof upLayout>> {
  const layout = upLayout(path.join(closed, name));
  await mkdir(layout.root, { recursive: true, mode: asRoot ? 0o711 : 0o700 });
  return layout;
}

async function select(embedded: EmbeddedPostgres): Promise<unknown> {
  const client = new pg.Client({ connectionString: embedded.url('postgres') });
  await client.connect();
  try {
    return (await client.query('SELECT 41 + 1 AS answer')).rows;
  } finally {
    await client.end();
  }
}

describe('the embedded Postgres, its data dir and binaries closed to the OS user postgres', () => {
  it('given a fresh data dir, when placed, initialised and started, then the cluster and a copy of the binaries live in the system dir (each said once) and it answers; a second start on that cluster finds both and copies nothing', async () => {
    const layout = await dataDir('fresh');
    const notes: string[] = [];
    const first = new EmbeddedPostgres({ layout, password: PASSWORD, systemDir: system, package: async () => checkout, note: (note) => notes.push(note) });
    const cluster = await first.place();
    await first.initialise();
    const port = await freePort();
    await first.start(port);
    try {
      expect(await select(first)).toEqual([{ answer: 42 }]);
    } finally {
      await first.stop();
    }
    const copy = path.join(system, 'embedded-postgres', `${installed.name.replace('@embedded-postgres/', '')}-${installed.version}`);
    if (asRoot) {
      expect(cluster).toMatch(new RegExp(`^${system}/clusters/tmp-ork-pg-closed-\\w+-fresh-[0-9a-f]{12}$`));
      expect(notes).toEqual([
        expect.stringContaining(`which cannot reach ${layout.root}: the cluster lives in ${cluster} instead`),
        `the OS user "postgres" cannot run the Postgres binaries in ${checkout.native}: copied them to ${copy} (once for ${installed.name} ${installed.version})`,
      ]);
      // The libraries' versioned names stay links to the files beside them.
      const link = path.join(copy, 'lib', 'libicuuc.so');
      expect((await lstat(link)).isSymbolicLink()).toBe(true);
      expect(path.isAbsolute(await readlink(link))).toBe(false);
      for (const dir of [system, path.join(system, 'clusters'), path.join(system, 'embedded-postgres')]) expect((await stat(dir)).mode & 0o777).toBe(0o755);
    } else {
      expect(cluster).toBe(layout.postgres);
      expect(notes).toEqual([]);
    }
    expect((await stat(path.join(cluster, 'PG_VERSION'))).isFile()).toBe(true);
    // The server's log stays in the data dir.
    expect((await stat(layout.postgresLog)).size).toBeGreaterThan(0);

    // As `ork up` does with what up.json records.
    const again = new EmbeddedPostgres({ layout, password: PASSWORD, ...(cluster !== layout.postgres && { cluster }), systemDir: system, package: async () => checkout, note: (note) => notes.push(note) });
    const before = notes.length;
    expect(await again.exists()).toBe(true);
    await again.start(port);
    try {
      expect(await select(again)).toEqual([{ answer: 42 }]);
    } finally {
      await again.stop();
    }
    expect(notes.slice(before)).toEqual([]);
  }, 120_000);

  it('given a data dir deleted to start over (its up.json gone) while its cluster in the system dir stayed, when placed, then the old cluster is moved aside, kept, and said where, and a new one can be made', async () => {
    const layout = await dataDir('fresh');
    const notes: string[] = [];
    const embedded = new EmbeddedPostgres({ layout, password: PASSWORD, systemDir: system, package: async () => checkout, note: (note) => notes.push(note) });
    const cluster = await embedded.place();
    if (!asRoot) {
      expect(cluster).toBe(layout.postgres);
      return;
    }
    expect(notes[0]).toMatch(new RegExp(`does not record the cluster ${cluster} .*: it was moved to ${cluster}\\.unrecorded-`));
    const aside = /moved to (\S+);/.exec(notes[0]!)![1]!;
    expect((await stat(path.join(aside, 'PG_VERSION'))).isFile()).toBe(true);
    await embedded.initialise();
    expect(await embedded.exists()).toBe(true);
    await rm(aside, { recursive: true, force: true });
  }, 60_000);

  it('given a system dir that cannot be made, when placed, then it stops with what to do (let postgres through, another data dir, another user)', async () => {
    const layout = await dataDir('nowhere');
    const file = path.join(closed, 'a-file');
    await writeFile(file, '');
    const embedded = new EmbeddedPostgres({ layout, password: PASSWORD, systemDir: path.join(file, 'orkestra'), package: async () => checkout });
    if (asRoot) {
      const error = await embedded.place().catch((thrown: unknown) => thrown as { message: string; hint?: string });
      expect(error).toMatchObject({ message: expect.stringMatching(new RegExp(`which cannot reach ${layout.root}, and ork up cannot keep its cluster in ${file}/orkestra instead \\(ENOTDIR`)) });
      expect(error).toMatchObject({ hint: expect.stringContaining(`chmod o+x ${closed}`) });
    } else {
      expect(await embedded.place()).toBe(layout.postgres);
    }
  }, 30_000);
});
