import { describe, expect, it } from '@jest/globals';
import { homedir, hostname } from 'node:os';
import path from 'node:path';
import { loadRunnerConfig, runnerNameFromHostname, servesProject } from '../src/index.js';

describe('runner config', () => {
  it('defaults to 127.0.0.1:4103, 2 slots, a name derived from the host name, no NATS and no projects', () => {
    expect(loadRunnerConfig({})).toEqual({
      port: 4103,
      host: '127.0.0.1',
      name: runnerNameFromHostname(hostname()),
      slots: 2,
      natsNamespace: '',
      dataDir: path.join(homedir(), '.orkestra', 'runner'),
      labels: [],
      drainGraceSeconds: 60,
      ackWaitSeconds: 10,
      agents: {},
      projects: {},
    });
  });

  it('reads ORK_RUNNER_NAME and ORK_RUNNER_SLOTS', () => {
    expect(loadRunnerConfig({ ORK_RUNNER_NAME: 'build-box-3', ORK_RUNNER_SLOTS: '8' })).toMatchObject({ name: 'build-box-3', slots: 8 });
  });

  it('refuses zero slots and a name that would break a NATS subject, naming both', () => {
    expect(() => loadRunnerConfig({ ORK_RUNNER_SLOTS: '0', ORK_RUNNER_NAME: 'box.3' })).toThrow(
      [
        'Invalid configuration (2 problems):',
        '  ORK_RUNNER_NAME: expected 1 to 64 letters, digits, "-" or "_", starting with a letter or digit, got "box.3"',
        '  ORK_RUNNER_SLOTS: expected an integer >= 1, got "0"',
      ].join('\n'),
    );
  });

  it('reads ORK_RUNNER_ACK_WAIT_SECONDS and refuses a wait that is not a positive whole number of seconds', () => {
    expect(loadRunnerConfig({ ORK_RUNNER_ACK_WAIT_SECONDS: '5' })).toMatchObject({ ackWaitSeconds: 5 });
    expect(() => loadRunnerConfig({ ORK_RUNNER_ACK_WAIT_SECONDS: '0' })).toThrow('ORK_RUNNER_ACK_WAIT_SECONDS: expected an integer >= 1, got "0"');
    expect(() => loadRunnerConfig({ ORK_RUNNER_ACK_WAIT_SECONDS: '2.5' })).toThrow(/ORK_RUNNER_ACK_WAIT_SECONDS: .*"2\.5"/);
  });

  it('reads the NATS user and password of a server that asks for them, and refuses a password without its user', () => {
    expect(loadRunnerConfig({ ORK_RUNNER_NATS_URL: 'nats://team:4222', ORK_RUNNER_NATS_USER: 'runner', ORK_RUNNER_NATS_PASSWORD: 'hex123' })).toMatchObject({
      natsUrl: 'nats://team:4222',
      natsUser: 'runner',
      natsPassword: 'hex123',
    });
    expect(() => loadRunnerConfig({ ORK_RUNNER_NATS_PASSWORD: 'hex123' })).toThrow(
      'ORK_RUNNER_NATS_USER: is required with a NATS password (ORK_RUNNER_NATS_PASSWORD): set the user it belongs to',
    );
  });
});

describe('the projects a runner serves', () => {
  it('are all of them by default, cloned from the repository a job carries', () => {
    expect(servesProject(loadRunnerConfig({}), 'anything')).toBe(true);
  });

  it('are those of ORK_RUNNER_SERVE_PROJECTS and those it has an entry for, when the setting is given', () => {
    const config = loadRunnerConfig({ ORK_RUNNER_SERVE_PROJECTS: 'shop, blog' });
    expect(config.serveProjects).toEqual(['shop', 'blog']);
    expect(['shop', 'blog', 'wiki'].map((p) => servesProject(config, p))).toEqual([true, true, false]);
    expect(servesProject({ ...config, projects: { wiki: { remote: '/srv/wiki.git', copyIgnored: [] } } }, 'wiki')).toBe(true);
  });
});

describe('runnerNameFromHostname', () => {
  it.each([
    ['build-box-3', 'build-box-3'],
    ['Build-Box.example.com', 'build-box'],
    ['ci_runner#7', 'ci_runner-7'],
    ['-weird', 'weird'],
    ['', 'runner'],
  ])('turns %j into %j', (host, name) => {
    expect(runnerNameFromHostname(host)).toBe(name);
  });

  it('keeps at most 64 characters', () => {
    expect(runnerNameFromHostname('a'.repeat(100))).toHaveLength(64);
  });
});
