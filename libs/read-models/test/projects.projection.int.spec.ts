import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandHandler, projectStreamId, projectStreamMetadata } from '@orkestra/application';
import type { CommandHandler } from '@orkestra/application';
import { projectDecider } from '@orkestra/domain';
import type { ProjectCommand, ProjectState } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { accessCommands, testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { ProjectsProjection } from '../src/index.js';
import { catchUpFully } from './support/catch-up.js';

const { NOW, archiveProject, registerProject, removeMember, setMemberRole, updateProject } = accessCommands;

let database: TestDatabase;
let pool: pg.Pool;
let handle: CommandHandler<ProjectState, ProjectCommand>;

const NAME = 'read.projects';
const later = (seconds: number): string => new Date(Date.parse(NOW) + seconds * 1000).toISOString();
const runnerFor = (projection = new ProjectsProjection()): ProjectionRunner =>
  new ProjectionRunner({ pool, databaseUrl: database.url, projections: [projection], batchSize: 3 });

async function project(projectId: string): Promise<Record<string, unknown> | undefined> {
  return (await pool.query('SELECT * FROM read.projects WHERE project_id = $1', [projectId])).rows[0];
}

async function members(projectId: string): Promise<[string, string][]> {
  const { rows } = await pool.query('SELECT user_id, role FROM read.project_members WHERE project_id = $1 ORDER BY user_id', [projectId]);
  return rows.map((r) => [r.user_id, r.role]);
}

async function everything(): Promise<unknown[]> {
  const projects = (await pool.query('SELECT * FROM read.projects ORDER BY project_id')).rows;
  const allMembers = (await pool.query('SELECT * FROM read.project_members ORDER BY project_id, user_id')).rows;
  return [projects, allMembers];
}

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  handle = commandHandler({ store: new PostgresEventStore(pool), decider: projectDecider, newId: () => globalThis.crypto.randomUUID(), streamMetadata: projectStreamMetadata });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('the projects read model', () => {
  it('shows a registered project with its settings, and its members with their roles', async () => {
    await handle(projectStreamId('shop'), registerProject('shop', { defaultFlow: 'quick', settings: { integration: 'pr', budget: { maxCostUsd: 20 } } }));
    await handle(projectStreamId('shop'), setMemberRole('bob', 'reviewer'));
    await handle(projectStreamId('shop'), setMemberRole('carol', 'viewer'));

    await catchUpFully(pool, runnerFor(), NAME);

    expect(await project('shop')).toEqual({
      project_id: 'shop',
      name: 'Project shop',
      remote: 'https://git.example.com/acme/shop.git',
      base_branch: 'main',
      default_flow: 'quick',
      settings: { integration: 'pr', budget: { maxCostUsd: 20 } },
      status: 'Active',
      created_at: new Date(NOW),
      updated_at: new Date(NOW),
      stream_position: '3',
    });
    expect(await members('shop')).toEqual([
      ['alice', 'admin'],
      ['bob', 'reviewer'],
      ['carol', 'viewer'],
    ]);
  });

  it('takes on an update, a role change and a removal, folding a project it has not seen from its stream', async () => {
    await handle(projectStreamId('shop'), updateProject({ name: 'Shop', defaultFlow: null, settings: { maxConcurrentJobs: 2 } }, later(60)));
    await handle(projectStreamId('shop'), setMemberRole('bob', 'admin', later(90)));
    await handle(projectStreamId('shop'), removeMember('carol', later(120)));

    // A fresh projection (a restarted process) has nothing cached.
    await catchUpFully(pool, runnerFor(), NAME);

    expect(await project('shop')).toMatchObject({
      name: 'Shop',
      default_flow: null,
      settings: { integration: 'pr', budget: { maxCostUsd: 20 }, maxConcurrentJobs: 2 },
      created_at: new Date(NOW),
      updated_at: new Date(later(120)),
      stream_position: '6',
    });
    expect(await members('shop')).toEqual([
      ['alice', 'admin'],
      ['bob', 'admin'],
    ]);
  });

  it('shows an archived project as archived, keeping its members', async () => {
    await handle(projectStreamId('old-site'), registerProject('old-site'));
    await handle(projectStreamId('old-site'), archiveProject());
    await catchUpFully(pool, runnerFor(), NAME);

    expect(await project('old-site')).toMatchObject({ status: 'Archived', stream_position: '2' });
    expect(await members('old-site')).toEqual([['alice', 'admin']]);
  });

  it('rebuilds both tables exactly as they were', async () => {
    for (const id of ['p-1', 'p-2', 'p-3']) {
      await handle(projectStreamId(id), registerProject(id));
      await handle(projectStreamId(id), setMemberRole('dave', 'viewer'));
    }
    await handle(projectStreamId('p-2'), removeMember('dave'));
    const runner = runnerFor();
    await catchUpFully(pool, runner, NAME);
    const before = await everything();
    await pool.query(`UPDATE read.projects SET name = 'tampered' WHERE project_id = 'p-1'`);
    await pool.query(`INSERT INTO read.project_members VALUES ('p-3', 'mallory', 'admin')`);

    const progress = await runner.rebuild(NAME);
    await catchUpFully(pool, runner, NAME);

    expect(progress.events).toBeGreaterThan(0);
    expect(await everything()).toEqual(before);
  });
});
