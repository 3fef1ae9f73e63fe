import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Body, Controller, Inject, Module, Post } from '@nestjs/common';
import type { INestApplication } from '@nestjs/common';
import { APP_LOGGER, HealthModule, bootstrapApp, createLogger } from '../src/index.js';
import type { AppLogger } from '../src/index.js';

@Controller()
class NotesController {
  constructor(@Inject(APP_LOGGER) private readonly logger: AppLogger) {}

  @Post('notes')
  async add(@Body() body: { text: string }): Promise<{ ok: true }> {
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.logger.info({ text: body.text }, 'note added');
    return { ok: true };
  }
}

@Module({ imports: [HealthModule.forRoot({ service: 'notes' })], controllers: [NotesController] })
class NotesModule {}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('an app from bootstrapApp, serving HTTP requests', () => {
  let app: INestApplication;
  const written: string[] = [];
  const lines = (): Record<string, unknown>[] => written.map((line) => JSON.parse(line) as Record<string, unknown>);

  beforeAll(async () => {
    app = await bootstrapApp(NotesModule, { service: 'notes', port: 0, host: '127.0.0.1', logger: { write: (line: string) => void written.push(line) }, env: {} });
  });

  afterAll(async () => {
    await app.close();
  });

  const post = async (headers: Record<string, string> = {}) => {
    written.length = 0;
    const response = await fetch(`${await app.getUrl()}/notes`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ text: 'hello' }) });
    await response.json();
    // The request's own line is written as the response finishes.
    for (let i = 0; i < 50 && written.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    return response.headers.get('x-correlation-id');
  };

  it("given the client's x-correlation-id, serves the request under it: echoed, on what the app logs, and on the request's line", async () => {
    expect(await post({ 'x-correlation-id': 'cli-7f3a' })).toBe('cli-7f3a');

    expect(lines()).toEqual([
      { level: 'info', time: expect.any(String), service: 'notes', correlationId: 'cli-7f3a', text: 'hello', msg: 'note added' },
      { level: 'info', time: expect.any(String), service: 'notes', correlationId: 'cli-7f3a', method: 'POST', path: '/notes', status: 201, responseTime: expect.any(Number), msg: 'POST /notes 201' },
    ]);
  });

  it('given no usable id, makes one for the request', async () => {
    const made = await post();
    const replaced = await post({ 'x-correlation-id': 'two words' });

    expect(made).toMatch(UUID);
    expect(replaced).toMatch(UUID);
    expect(replaced).not.toBe(made);
    expect(lines().map((line) => line['correlationId'])).toEqual([replaced, replaced]);
  });

  it('does not log probes at info', async () => {
    written.length = 0;
    await fetch(`${await app.getUrl()}/health`);
    await fetch(`${await app.getUrl()}/ready`);
    await new Promise((resolve) => setTimeout(resolve, 50));

    expect(written).toEqual([]);
  });
});

describe('two apps in one process sharing a root logger (as under `ork up`)', () => {
  it('each names itself on its lines, its requests included', async () => {
    const written: string[] = [];
    const root = createLogger({ destination: { write: (line: string) => void written.push(line) } });
    const notes = await bootstrapApp(NotesModule, { service: 'notes', port: 0, host: '127.0.0.1', logger: root });
    const other = await bootstrapApp(NotesModule, { service: 'other', port: 0, host: '127.0.0.1', logger: root });
    try {
      for (const app of [notes, other]) {
        await fetch(`${await app.getUrl()}/notes`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-correlation-id': 'shared-1' }, body: '{"text":"hi"}' });
      }
      await new Promise((resolve) => setTimeout(resolve, 50));

      const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
      const of = (service: string) => lines.filter((line) => line['service'] === service).map((line) => line['msg']);
      expect(lines).toHaveLength(6);
      expect(of('notes')).toEqual(['listening', 'note added', 'POST /notes 201']);
      expect(of('other')).toEqual(['listening', 'note added', 'POST /notes 201']);
    } finally {
      await other.close();
      await notes.close();
    }
  });
});
