import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { JetStreamBus } from '@orkestra/bus';
import type { TestNats } from '@orkestra/testing';
import { stringify } from 'yaml';
import { createApp, loadRunnerConfig } from '../../src/index.js';

export interface RunnerAppOptions {
  readonly dir: string;
  readonly nats: TestNats;
  readonly name: string;
  /** The runner's yaml settings (agents, projects, labels …). */
  readonly settings: object;
  readonly dataDir?: string;
}

/** The runner app on the spec's NATS namespace, configured as deployed (env and a yaml file), and a bus to watch it with. */
export async function startRunnerApp(options: RunnerAppOptions): Promise<{ app: INestApplication; probe: JetStreamBus }> {
  const { dir, nats, name } = options;
  const file = path.join(dir, `${name}.yaml`);
  await writeFile(file, stringify(options.settings));
  const config = loadRunnerConfig(
    {
      ORK_RUNNER_PORT: '0',
      ORK_RUNNER_NAME: name,
      ORK_RUNNER_NATS_URL: nats.url,
      ORK_RUNNER_NATS_NAMESPACE: nats.prefix,
      ORK_RUNNER_DATA_DIR: options.dataDir ?? path.join(dir, 'data'),
      ORK_RUNNER_DRAIN_GRACE_SECONDS: '5',
    },
    file,
  );
  const app = await createApp(config, { logger: false });
  return { app, probe: new JetStreamBus(nats.connection, { namespace: nats.prefix }) };
}
