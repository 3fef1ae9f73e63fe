// Uses Jest's injected globals (describe, it, expect), so this package also loads outside Jest.
import type { INestApplication } from '@nestjs/common';

export interface BootedService {
  readonly app: INestApplication;
  readonly config: object;
  /** The DI token under which the app provides its config. */
  readonly configToken: symbol;
}

/**
 * What every service must do whatever else it grows into: boot on a free port, answer
 * `/health` with its name and `/ready`, and provide its frozen config.
 */
export function describeServiceShell(service: string, boot: () => Promise<BootedService>): void {
  describe(`the ${service} service`, () => {
    let booted: BootedService;
    let url: string;

    beforeAll(async () => {
      booted = await boot();
      url = await booted.app.getUrl();
    });

    afterAll(async () => {
      await booted.app.close();
    });

    it('answers /health with its service name', async () => {
      const response = await fetch(`${url}/health`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok', service, uptimeSeconds: expect.any(Number) });
    });

    it('answers /ready with 200 when its checks pass', async () => {
      const response = await fetch(`${url}/ready`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ready', checks: {} });
    });

    it('provides its frozen config', () => {
      expect(booted.app.get(booted.configToken)).toBe(booted.config);
      expect(Object.isFrozen(booted.config)).toBe(true);
    });
  });
}
