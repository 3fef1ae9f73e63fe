import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { commandHandler, userStreamId, userStreamMetadata } from '@orkestra/application';
import type { CommandHandler } from '@orkestra/application';
import { tokenValidity, userDecider } from '@orkestra/domain';
import type { UserCommand, UserState } from '@orkestra/domain';
import { PostgresEventStore, ProjectionRunner, migrate } from '@orkestra/event-store';
import { accessCommands, testDatabase } from '@orkestra/testing';
import type { TestDatabase } from '@orkestra/testing';
import pg from 'pg';
import { UsersProjection, lookupApiToken } from '../src/index.js';
import { catchUpFully } from './support/catch-up.js';

const { NOW, disableUser, issueToken, registerUser, revokeToken, tokenHashOf } = accessCommands;

let database: TestDatabase;
let pool: pg.Pool;
let handle: CommandHandler<UserState, UserCommand>;

const NAME = 'read.users';
const later = (seconds: number): string => new Date(Date.parse(NOW) + seconds * 1000).toISOString();
const runnerFor = (): ProjectionRunner => new ProjectionRunner({ pool, databaseUrl: database.url, projections: [new UsersProjection()], batchSize: 3 });

async function tokens(userId: string): Promise<Record<string, unknown>[]> {
  return (await pool.query('SELECT * FROM read.api_tokens WHERE user_id = $1 ORDER BY token_id', [userId])).rows;
}

async function everything(): Promise<unknown[]> {
  return [(await pool.query('SELECT * FROM read.users ORDER BY user_id')).rows, (await pool.query('SELECT * FROM read.api_tokens ORDER BY user_id, token_id')).rows];
}

beforeAll(async () => {
  database = await testDatabase();
  await migrate(database.url);
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
  handle = commandHandler({ store: new PostgresEventStore(pool), decider: userDecider, newId: () => globalThis.crypto.randomUUID(), streamMetadata: userStreamMetadata });
});

afterAll(async () => {
  await pool.end();
  await database.drop();
});

describe('the users read model', () => {
  it('shows users and services with the tokens issued to them, by hash only', async () => {
    await handle(userStreamId('root'), registerUser('root', 'human', true));
    await handle(userStreamId('gateway'), registerUser('gateway', 'service'));
    await handle(userStreamId('gateway'), issueToken('gw-1', 'secret-gw-1', '2027-01-01T00:00:00.000Z'));

    await catchUpFully(pool, runnerFor(), NAME);

    const { rows: users } = await pool.query('SELECT user_id, kind, instance_admin, status, disabled_at, stream_position FROM read.users ORDER BY user_id');
    expect(users).toEqual([
      { user_id: 'gateway', kind: 'service', instance_admin: false, status: 'Active', disabled_at: null, stream_position: '2' },
      { user_id: 'root', kind: 'human', instance_admin: true, status: 'Active', disabled_at: null, stream_position: '1' },
    ]);
    expect(await tokens('gateway')).toEqual([
      {
        token_id: 'gw-1',
        user_id: 'gateway',
        name: 'token gw-1',
        token_hash: tokenHashOf('secret-gw-1'),
        expires_at: new Date('2027-01-01T00:00:00.000Z'),
        revoked_at: null,
        created_at: new Date(NOW),
      },
    ]);
    expect(JSON.stringify(await everything())).not.toContain('secret-gw-1');
  });

  it('shows a token issued then revoked as revoked, and the auth lookup refuses it', async () => {
    await handle(userStreamId('bob'), registerUser('bob'));
    await handle(userStreamId('bob'), issueToken('laptop', 'secret-laptop'));
    await handle(userStreamId('bob'), issueToken('ci', 'secret-ci'));
    await handle(userStreamId('bob'), revokeToken('laptop', later(60)));

    await catchUpFully(pool, runnerFor(), NAME);

    expect((await tokens('bob')).map((t) => [t['token_id'], t['revoked_at']])).toEqual([
      ['ci', null],
      ['laptop', new Date(later(60))],
    ]);
    const revoked = await lookupApiToken(pool, tokenHashOf('secret-laptop'));
    expect(tokenValidity(revoked, later(61))).toMatchObject({ valid: false, reason: 'Revoked' });
    const live = await lookupApiToken(pool, tokenHashOf('secret-ci'));
    expect(live).toEqual({
      token: { tokenId: 'ci', name: 'token ci', expiresAt: null, revokedAt: null },
      user: { userId: 'bob', name: 'bob', kind: 'human', instanceAdmin: false, disabled: false },
    });
    expect(tokenValidity(live, later(61))).toEqual({ valid: true, userId: 'bob', tokenId: 'ci' });
    expect(await lookupApiToken(pool, tokenHashOf('never issued'))).toBeUndefined();
  });

  it("shows a disabled user, whose tokens then stop working", async () => {
    await handle(userStreamId('bob'), disableUser('left the team'));
    await catchUpFully(pool, runnerFor(), NAME);

    expect((await pool.query(`SELECT status, disabled_at FROM read.users WHERE user_id = 'bob'`)).rows[0]).toEqual({ status: 'Disabled', disabled_at: new Date(NOW) });
    expect(tokenValidity(await lookupApiToken(pool, tokenHashOf('secret-ci')), later(61))).toMatchObject({ valid: false, reason: 'UserDisabled' });
  });

  it('rebuilds both tables exactly as they were', async () => {
    const runner = runnerFor();
    await catchUpFully(pool, runner, NAME);
    const before = await everything();
    await pool.query(`UPDATE read.api_tokens SET revoked_at = NULL WHERE token_id = 'laptop'`);
    await pool.query(`DELETE FROM read.users WHERE user_id = 'root'`);

    const progress = await runner.rebuild(NAME);
    await catchUpFully(pool, runner, NAME);

    expect(progress.events).toBeGreaterThan(0);
    expect(await everything()).toEqual(before);
  });
});
