import { EXIT } from '../src/index.js';
import { runnerSettings } from '../src/runner/runner-settings.js';
import { explainStartupFailure } from '../src/runner/startup-failure.js';

const NATS = 'nats://team.example:4222';

describe('ork runner settings', () => {
  it('given flags and ORK_RUNNER_* env vars, when read, then the flags win and the rest comes from the env', () => {
    const config = runnerSettings(
      { nats: NATS, name: 'build-box-3', labels: 'gpu, Linux', slots: '4', dataDir: '/srv/runner' },
      { ORK_RUNNER_NAME: 'from-env', ORK_RUNNER_SLOTS: '9', ORK_RUNNER_NATS_USER: 'runner', ORK_RUNNER_NATS_PASSWORD: 'hex' },
    );
    expect(config).toMatchObject({ natsUrl: NATS, name: 'build-box-3', labels: ['gpu', 'linux'], slots: 4, dataDir: '/srv/runner', natsUser: 'runner', natsPassword: 'hex' });
  });

  it('given a bad flag value, when read, then it is a usage error naming the flag, not the env var behind it', () => {
    const read = (): unknown => runnerSettings({ nats: NATS, slots: '0', name: 'box.3' }, {});
    expect(read).toThrow(expect.objectContaining({ exitCode: EXIT.usage }));
    expect(read).toThrow('--name: expected 1 to 64 letters, digits, "-" or "_", starting with a letter or digit, got "box.3"');
    expect(read).toThrow('--slots: expected an integer >= 1, got "0"');
  });

  it('given a bad value in the env, when read, then the error names the env var', () => {
    expect(() => runnerSettings({ nats: NATS }, { ORK_RUNNER_LABELS: 'gpu!' })).toThrow(/ORK_RUNNER_LABELS: expected a runner label/);
  });

  it('given a config file that is not there, when read, then the error names --config and the file', () => {
    expect(() => runnerSettings({ nats: NATS, config: '/no/such/runner.yaml' }, {})).toThrow('--config: /no/such/runner.yaml does not exist');
  });

  it('given no NATS URL anywhere, when read, then it says how to give one', () => {
    expect(() => runnerSettings({ name: 'box' }, {})).toThrow(expect.objectContaining({ exitCode: EXIT.usage, message: 'ork runner needs the NATS URL of the team server to join' }));
  });
});

describe('why a runner could not join', () => {
  const context = { natsUrl: 'nats://runner:s3cret@team.example:4222', host: '127.0.0.1', port: 4103 };

  it('given NATS refusing the connection, then it is "unreachable", naming the URL without its password', () => {
    const error = Object.assign(new Error('connection refused'), { name: 'ConnectionError', cause: Object.assign(new Error(), { code: 'ECONNREFUSED' }) });
    expect(explainStartupFailure(error, context)).toMatchObject({ exitCode: EXIT.unreachable, message: 'cannot reach NATS at nats://team.example:4222 (connection refused)' });
  });

  it('given a host name that does not resolve, then it is "unreachable" too', () => {
    const error = Object.assign(new Error('getaddrinfo ENOTFOUND team.example'), { code: 'ENOTFOUND' });
    expect(explainStartupFailure(error, context)).toMatchObject({ exitCode: EXIT.unreachable });
  });

  it('given the health port taken, then it says so and how to pick another', () => {
    const error = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:4103'), { code: 'EADDRINUSE' });
    expect(explainStartupFailure(error, context)).toMatchObject({ exitCode: EXIT.usage, hint: 'Pass --port 0 for any free port, or another port.' });
  });
});
