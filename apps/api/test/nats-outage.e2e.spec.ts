import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { connectBus } from '@orkestra/bus';
import type { JetStreamBus } from '@orkestra/bus';
import { OutboxRelay } from '@orkestra/event-store';
import { eventually, startPrivateNats, testDatabase } from '@orkestra/testing';
import type { PrivateNats, TestDatabase } from '@orkestra/testing';
import type { INestApplication } from '@nestjs/common';
import type { Client } from 'graphql-ws';
import { createApp, loadApiConfig } from '../src/index.js';
import { ONE_STAGE_PROJECT, registerProject } from './support/api-harness.js';
import { graphqlData, subscriptionClient } from './support/graphql-client.js';

// NATS goes away and comes back while a person works and watches: commands keep working (they only
// need Postgres), and a subscription open through the outage gets every update it missed, in order.
jest.setTimeout(120_000);

let database: TestDatabase;
let nats: PrivateNats;
let dir: string;
let app: INestApplication;
let bus: JetStreamBus;
let relay: OutboxRelay;
let url: string;
let token: string;
let client: Client | undefined;

beforeAll(async () => {
  database = await testDatabase();
  nats = await startPrivateNats();
  dir = await mkdtemp(path.join(tmpdir(), 'ork-api-outage-'));
  let first: string | undefined;
  app = await createApp(loadApiConfig({ ORK_API_PORT: '0', ORK_API_DATABASE_URL: database.url, ORK_API_DATA_DIR: path.join(dir, 'api'), ORK_API_NATS_URL: nats.url }), {
    logger: false,
    onAdminToken: (t) => (first = t),
  });
  token = first!;
  url = await app.getUrl();
  bus = await connectBus({ servers: nats.url, reconnectTimeWaitMs: 200 });
  relay = new OutboxRelay({ databaseUrl: database.url, bus, pollMs: 100 });
  relay.start();
}, 60_000);

afterAll(async () => {
  await client?.dispose();
  await relay?.stop();
  await app?.close();
  await bus?.close();
  await nats?.cleanup();
  await database?.drop();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('the api through a NATS outage', () => {
  it('keeps taking commands, and the open subscription catches up in order once NATS is back', async () => {
    await registerProject({ url, adminToken: token, dir }, 'shop', ONE_STAGE_PROJECT);
    const { createTrak } = await graphqlData<{ createTrak: { id: string } }>(url, 'mutation { createTrak(input: { project: "shop", title: "T", description: "" }) { id } }', {}, token);
    const trakId = createTrak.id;
    client = subscriptionClient(url, token);
    const events: string[] = [];
    client.subscribe<{ trakUpdated: { event: string } }>(
      { query: 'subscription($id: ID!) { trakUpdated(trak: $id) { event } }', variables: { id: trakId } },
      { next: (r) => r.data != null && events.push(r.data.trakUpdated.event), error: () => undefined, complete: () => undefined },
    );
    await new Promise((resolve) => setTimeout(resolve, 500));
    const toggle = (enabled: boolean) =>
      graphqlData<{ setAutoMode: { autoMode: boolean } }>(url, 'mutation($input: SetAutoModeInput!) { setAutoMode(input: $input) { autoMode } }', { input: { trakId, enabled } }, token);

    await toggle(true);
    await eventually(() => expect(events).toEqual(['AutoModeSet']));

    await nats.stop();
    expect((await toggle(false)).setAutoMode.autoMode).toBe(false);
    expect((await toggle(true)).setAutoMode.autoMode).toBe(true);
    const { trak } = await graphqlData<{ trak: { autoMode: boolean; version: number } }>(url, 'query($id: ID!) { trak(id: $id) { autoMode version } }', { id: trakId }, token);
    expect(trak).toEqual({ autoMode: true, version: 5 });

    await nats.start();
    await eventually(() => expect(events).toEqual(['AutoModeSet', 'AutoModeSet', 'AutoModeSet']), 30_000);
  });
});
