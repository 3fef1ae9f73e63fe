import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Injectable, Module } from '@nestjs/common';
import type { INestApplication, OnModuleInit } from '@nestjs/common';
import { HealthModule, ReadinessChecks, bootstrapApp } from '../src/index.js';

@Injectable()
class FakeBusClient implements OnModuleInit {
  constructor(private readonly readiness: ReadinessChecks) {}

  onModuleInit(): void {
    this.readiness.register('nats', () => Promise.resolve());
  }
}

@Module({ providers: [FakeBusClient] })
class BusModule {}

const unreachable = Object.assign(new AggregateError([], ''), { code: 'ECONNREFUSED' });

async function get(app: INestApplication, route: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${await app.getUrl()}${route}`);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('HealthModule', () => {
  describe('when a readiness check fails and another hangs', () => {
    let app: INestApplication;
    let aborted: unknown;
    const lines: string[] = [];

    beforeAll(async () => {
      const module = {
        module: class ProbeModule {},
        imports: [
          HealthModule.forRoot({
            service: 'probe',
            version: '1.2.3',
            readinessTimeoutMs: 50,
            readinessChecks: {
              postgres: () => Promise.reject(unreachable),
              disk: () => undefined,
              slow: (signal) =>
                new Promise((resolve) => {
                  signal.addEventListener('abort', () => {
                    aborted = signal.reason;
                    resolve(undefined);
                  });
                }),
            },
          }),
          BusModule,
        ],
      };
      app = await bootstrapApp(module, { service: 'probe', port: 0, host: '127.0.0.1', logger: { write: (line: string) => void lines.push(line) } });
    });

    afterAll(async () => {
      await app.close();
    });

    it('logs one listening line as JSON', async () => {
      expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
        { level: 'info', time: expect.any(String), service: 'probe', msg: 'listening', url: await app.getUrl() },
      ]);
    });

    it('is still alive: /health answers 200 with the service name', async () => {
      expect(await get(app, '/health')).toEqual({
        status: 200,
        body: { status: 'ok', service: 'probe', version: '1.2.3', uptimeSeconds: expect.any(Number) },
      });
    });

    it('is not ready: /ready answers 503 naming each failed check', async () => {
      expect(await get(app, '/ready')).toEqual({
        status: 503,
        body: {
          status: 'not_ready',
          checks: { postgres: 'error: ECONNREFUSED', disk: 'ok', slow: 'error: timed out after 50 ms', nats: 'ok' },
        },
      });
    });

    it('aborts the signal of a check that ran out of time', () => {
      expect(aborted).toBeInstanceOf(Error);
    });
  });

  describe('when there are no checks', () => {
    it('is ready, and closing removes its signal handlers', async () => {
      const before = process.listenerCount('SIGTERM');
      const app = await bootstrapApp(HealthModule.forRoot({ service: 'bare' }), { service: 'bare', port: 0, host: '127.0.0.1', logger: false });
      expect(process.listenerCount('SIGTERM')).toBe(before + 1);

      expect(await get(app, '/ready')).toEqual({ status: 200, body: { status: 'ready', checks: {} } });

      await app.close();
      expect(process.listenerCount('SIGTERM')).toBe(before);
    });

    it('given a host that owns shutdown (shutdownHooks: false), installs no signal handler', async () => {
      const before = process.listenerCount('SIGTERM');
      const app = await bootstrapApp(HealthModule.forRoot({ service: 'hosted' }), { service: 'hosted', port: 0, host: '127.0.0.1', logger: false, shutdownHooks: false });

      expect(process.listenerCount('SIGTERM')).toBe(before);
      await app.close();
    });
  });
});
