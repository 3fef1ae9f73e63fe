import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { loadApiConfig } from '../../apps/api/src/api.config.js';
import { loadGatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { loadRunnerConfig } from '../../apps/runner/src/runner.config.js';
import { loadSchedulerConfig } from '../../apps/scheduler/src/scheduler.config.js';

// No Docker engine runs where these tests run, so docker-compose.yml is checked for what a
// `docker compose up` would trip over: a missing service, healthcheck or volume, a dependency
// on something that never turns healthy, a replica that cannot be scaled, a command whose file
// the image does not hold, an env var the app refuses, a NATS user with no password to log in.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const read = (file: string): string => readFileSync(path.join(ROOT, file), 'utf8');

interface Healthcheck {
  readonly test: readonly string[];
}
interface Service {
  readonly image?: string;
  readonly build?: { readonly context: string; readonly dockerfile: string };
  readonly command?: readonly string[];
  readonly environment?: Readonly<Record<string, string>>;
  readonly volumes?: readonly string[];
  readonly ports?: readonly string[];
  readonly healthcheck?: Healthcheck;
  readonly depends_on?: Readonly<Record<string, { readonly condition: string }>>;
  readonly container_name?: string;
  readonly hostname?: string;
}
interface Compose {
  readonly services: Readonly<Record<string, Service>>;
  readonly volumes: Readonly<Record<string, unknown>>;
}

/** What compose does to `${NAME}`, `${NAME:-default}`, `${NAME-default}` and `${NAME:?error}` (and `$$`), with `.env` as given. */
function interpolate(text: string, env: Readonly<Record<string, string>>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g, (match, name: string | undefined, operator: string | undefined, operand: string | undefined) => {
    if (match === '$$') return '$';
    const value = env[name!];
    const empty = value === undefined || (operator?.startsWith(':') === true && value === '');
    if (operator?.endsWith('?') && empty) throw new Error(`compose refuses to start: ${operand}`);
    if (operator?.endsWith('-') && empty) return operand ?? '';
    return value ?? '';
  });
}

const DOT_ENV = {
  ORK_NATS_SCHEDULER_PASSWORD: 'schedulerhex',
  ORK_NATS_API_PASSWORD: 'apihex',
  ORK_NATS_RUNNER_PASSWORD: 'runnerhex',
  ANTHROPIC_API_KEY: 'sk-test',
};
const composeText = read('docker-compose.yml');
/** Compose reads the yaml first, then interpolates each string in it. */
const interpolateAll = (value: unknown, env: Readonly<Record<string, string>>): unknown => {
  if (typeof value === 'string') return interpolate(value, env);
  if (Array.isArray(value)) return value.map((item) => interpolateAll(item, env));
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, interpolateAll(item, env)]));
  return value;
};
const compose = interpolateAll(parse(composeText, { merge: true }), DOT_ENV) as Compose;
const APPS = ['api', 'scheduler', 'runner', 'gateway'] as const;
const service = (name: string): Service => compose.services[name]!;

/** The Dockerfile's instructions, continuation lines joined. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n/g, ' ')
  .split('\n')
  .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
const copied = dockerfile
  .filter((line) => line.startsWith('COPY '))
  .flatMap((line) => {
    const parts = line.split(/\s+/).slice(1);
    const destination = parts.at(-1)!;
    // `COPY libs ./libs`: a folder into the folder of the same name under WORKDIR /app.
    return destination.endsWith('/') ? parts.slice(0, -1) : [path.normalize(destination)];
  });

/** The app's built entry point and the source it is built from: `apps/<app>/dist/main.js` ← `apps/<app>/src/main.ts`. */
function builtFrom(file: string): string | undefined {
  const match = /^apps\/([a-z-]+)\/dist\/(.+)\.js$/.exec(file);
  if (match === null) return undefined;
  const tsconfig = JSON.parse(read(`apps/${match[1]}/tsconfig.build.json`)) as { compilerOptions: { rootDir: string; outDir: string } };
  expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
  return `apps/${match[1]}/src/${match[2]}.ts`;
}

/** The files a service's command runs, following a shell script the image holds into the node entry point it starts. */
function commandFiles(command: readonly string[]): string[] {
  const files = command.filter((argument) => /\.(js|sh)$/.test(argument));
  return files.flatMap((file) => (file.endsWith('.sh') ? [file, ...[...read(file).matchAll(/\bnode\s+(\S+\.js)/g)].map((m) => m[1]!)] : [file]));
}

describe('docker-compose.yml', () => {
  it('has Postgres, NATS and the four services, each app built from the repository’s Dockerfile', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'gateway', 'nats', 'postgres', 'runner', 'scheduler']);
    for (const app of APPS) expect(service(app).build).toEqual({ context: '.', dockerfile: 'Dockerfile', args: expect.any(Object) });
    expect(existsSync(path.join(ROOT, 'Dockerfile'))).toBe(true);
    expect(service('postgres').image).toMatch(/^postgres:\d+/);
    expect(service('nats').image).toMatch(/^nats:2\.\d+-alpine$/);
  });

  it('gives every service a healthcheck, the apps theirs on their own port’s /ready', () => {
    const without = Object.entries(compose.services).filter(([, svc]) => (svc.healthcheck?.test.length ?? 0) < 2);
    expect(without.map(([name]) => name)).toEqual([]);
    for (const app of APPS) {
      const port = service(app).environment?.[`ORK_${app.toUpperCase()}_PORT`];
      expect(service(app).healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${port}/ready`);
    }
  });

  it('starts a service only once what it depends on is healthy', () => {
    for (const [name, svc] of Object.entries(compose.services)) {
      for (const [dependency, { condition }] of Object.entries(svc.depends_on ?? {})) {
        expect([name, dependency, condition]).toEqual([name, dependency, 'service_healthy']);
        expect(service(dependency).healthcheck).toBeDefined();
      }
    }
    expect(Object.keys(service('runner').depends_on ?? {})).toEqual(['nats']);
  });

  it('keeps Postgres, NATS (JetStream on file storage), the api and the runners on named volumes', () => {
    const mounts = (name: string): string[] => (service(name).volumes ?? []).filter((volume) => !volume.startsWith('.'));
    expect(mounts('postgres')).toEqual(['postgres-data:/var/lib/postgresql/data']);
    expect(mounts('nats')).toEqual(['nats-data:/data']);
    expect(service('nats').command?.join(' ')).toMatch(/-js -sd \/data\b/);
    expect(mounts('api')).toEqual(['api-data:/home/node/.orkestra/api']);
    expect(mounts('runner')).toEqual(['runner-data:/home/node/.orkestra/runners']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['api-data', 'nats-data', 'postgres-data', 'runner-data']);
  });

  it('lets the runners and the schedulers scale: no fixed container name, host name or host port', () => {
    for (const name of ['runner', 'scheduler']) {
      expect([name, service(name).container_name, service(name).hostname, service(name).ports]).toEqual([name, undefined, undefined, undefined]);
      expect(service(name).environment?.[`ORK_${name.toUpperCase()}_NAME`]).toBeUndefined();
    }
  });

  it('runs in each app container a file the image holds, built from the app’s source', () => {
    expect(dockerfile).toContain('WORKDIR /app');
    expect(dockerfile.some((line) => /^RUN npm ci && npm run build\b/.test(line))).toBe(true);
    expect(JSON.parse(read('package.json')).scripts.build).toBe('nx run-many -t build');
    for (const app of APPS) {
      const files = commandFiles(service(app).command ?? []);
      expect(files).toContain(`apps/${app}/dist/main.js`);
      for (const file of files) {
        const source = builtFrom(file) ?? file;
        expect([file, existsSync(path.join(ROOT, source))]).toEqual([file, true]);
        expect([file, copied.some((dir) => source === dir || source.startsWith(`${dir}/`))]).toEqual([file, true]);
      }
    }
  });

  it('has a Dockerfile whose every RUN is valid sh', () => {
    const runs = dockerfile.filter((line) => line.startsWith('RUN ')).map((line) => line.slice(4));
    expect(runs.length).toBeGreaterThan(1);
    for (const script of runs) execFileSync('sh', ['-n', '-c', script]);
  });

  it('gives each app only settings it knows and accepts, as the runner replica script completes them', () => {
    const env = (app: string): Record<string, string> => ({ ...service(app).environment });
    expect(() => loadApiConfig(env('api'))).not.toThrow();
    expect(() => loadSchedulerConfig(env('scheduler'))).not.toThrow();
    expect(() => loadGatewayConfig(env('gateway'))).not.toThrow();
    const runner = loadRunnerConfig({ ...env('runner'), ORK_RUNNER_DATA_DIR: '/home/node/.orkestra/runners/1', ORK_RUNNER_NAME: 'compose-runner-1' });
    expect(runner).toMatchObject({ natsUrl: 'nats://nats:4222', natsUser: 'runner', natsPassword: 'runnerhex', slots: 2, labels: [] });
    expect(service('runner').environment?.['ORK_COMPOSE_RUNNER_PREFIX']).toBe('compose-runner');
    expect(read('deploy/runner/runner-instance.sh')).toContain('${ORK_COMPOSE_RUNNER_PREFIX:-compose-runner}');
  });

  it('refuses to start without the NATS passwords, and has no password of its own but the marked Postgres default', () => {
    const yaml = parse(composeText, { merge: true }) as unknown;
    expect(() => interpolateAll(yaml, { ...DOT_ENV, ORK_NATS_RUNNER_PASSWORD: '' })).toThrow(/set ORK_NATS_RUNNER_PASSWORD in \.env/);
    expect(() => interpolateAll(yaml, { ORK_NATS_API_PASSWORD: 'x', ORK_NATS_RUNNER_PASSWORD: 'y' })).toThrow(/ORK_NATS_SCHEDULER_PASSWORD/);
    expect([...composeText.matchAll(/PASSWORD:-([^}]*)\}/g)].map((m) => m[1])).toEqual(['orkestra', 'orkestra']);
    expect(composeText).toMatch(/password defaults to "orkestra" for a local try-out only/);
  });
});

describe('the NATS server of docker-compose.yml', () => {
  const conf = read('deploy/nats/nats-server.conf');
  const users = [...conf.matchAll(/\{\s*user:\s*(\w+),\s*password:\s*\$(\w+),\s*permissions:\s*\$(\w+)\s*\}/g)].map(([, user, password, permissions]) => ({ user, password, permissions }));
  const nats = service('nats');

  it('runs the shipped config, mounted read-only', () => {
    expect(nats.volumes).toContain('./deploy/nats/nats-server.conf:/etc/nats/nats-server.conf:ro');
    expect(nats.command?.slice(0, 3)).toEqual(['nats-server', '-c', '/etc/nats/nats-server.conf']);
  });

  it('gets every password its users read from the environment, and each service logs in as its own user with it', () => {
    expect(users).toEqual([
      { user: 'scheduler', password: 'ORK_NATS_SCHEDULER_PASSWORD', permissions: 'SERVICE' },
      { user: 'api', password: 'ORK_NATS_API_PASSWORD', permissions: 'SERVICE' },
      { user: 'runner', password: 'ORK_NATS_RUNNER_PASSWORD', permissions: 'RUNNER' },
    ]);
    for (const { password } of users) expect(nats.environment?.[password ?? '']).toBe(DOT_ENV[password as keyof typeof DOT_ENV]);
    expect(service('api').environment?.['ORK_API_NATS_URL']).toBe('nats://api:apihex@nats:4222');
    expect(service('scheduler').environment?.['ORK_SCHEDULER_NATS_URL']).toBe('nats://scheduler:schedulerhex@nats:4222');
    expect(service('runner').environment).toMatchObject({ ORK_RUNNER_NATS_USER: 'runner', ORK_RUNNER_NATS_PASSWORD: 'runnerhex' });
  });
});
