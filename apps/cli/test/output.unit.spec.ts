import { InvalidArgumentError } from 'commander';
import { projectIdFromRemote } from '../src/commands/project/project.command.js';
import { parseStatuses } from '../src/commands/trak/trak.command.js';
import { formatLogLine } from '../src/commands/logs/log-format.js';
import { Channel } from '../src/shell/channel.js';
import { NO_COLORS, Output, colorsEnabled } from '../src/shell/output.js';
import { graphqlEndpoint } from '../src/shell/server-url.js';
import { CliError, EXIT } from '../src/index.js';
import { captureIo } from './support/capture-io.js';

describe('output for people and for scripts', () => {
  it('colours only a terminal, never with NO_COLOR or TERM=dumb', () => {
    expect(colorsEnabled(captureIo({}, { tty: true }))).toBe(true);
    expect(colorsEnabled(captureIo({}, { tty: false }))).toBe(false);
    expect(colorsEnabled(captureIo({ NO_COLOR: '1' }, { tty: true }))).toBe(false);
    expect(colorsEnabled(captureIo({ TERM: 'dumb' }, { tty: true }))).toBe(false);
  });

  it('with --json, prints exactly the document and none of the human lines', () => {
    const io = captureIo({}, { tty: true });
    const out = new Output(io, true);
    out.result({ trak: { id: 'a' } }, () => ['Created a']);
    out.lines('ignored');
    expect(io.out()).toBe('{"trak":{"id":"a"}}\n');
  });

  it('without --json, prints the human lines; a table keeps its columns aligned without colour codes when piped', () => {
    const io = captureIo();
    const out = new Output(io, false);
    out.result({ ignored: true }, () => out.table(['ID', 'STATUS'], [['abc', out.status('Done')], ['longer-id', out.status('Failed')]]));
    expect(io.out()).toBe('ID         STATUS\nabc        Done\nlonger-id  Failed\n');
  });

  it('colours statuses by what they mean to a person on a terminal', () => {
    const out = new Output(captureIo({}, { tty: true }), false);
    expect(out.status('Done')).toBe('\u001b[32mDone\u001b[39m');
    expect(out.status('Failed')).toBe('\u001b[31mFailed\u001b[39m');
    expect(out.status('AwaitingApproval')).toBe('\u001b[33mAwaitingApproval\u001b[39m');
  });
});

describe('reading what a user typed', () => {
  it('takes a server base URL or its GraphQL endpoint', () => {
    expect(graphqlEndpoint('http://127.0.0.1:4101')).toBe('http://127.0.0.1:4101/graphql');
    expect(graphqlEndpoint('http://127.0.0.1:4101/graphql/')).toBe('http://127.0.0.1:4101/graphql');
    expect(graphqlEndpoint('https://ork.example.com/team')).toBe('https://ork.example.com/team/graphql');
  });

  it('refuses a server that is not an http URL, or carries credentials, as a usage error', () => {
    for (const bad of ['127.0.0.1:4101', 'ftp://host', 'http://me:secret@host']) {
      const error = (() => {
        try {
          graphqlEndpoint(bad);
        } catch (e) {
          return e;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(CliError);
      expect((error as CliError).exitCode).toBe(EXIT.usage);
    }
  });

  it('derives a project id from a remote', () => {
    expect(projectIdFromRemote('git@github.com:team/Payments-API.git')).toBe('payments-api');
    expect(projectIdFromRemote('/srv/git/shop.git/')).toBe('shop');
    expect(projectIdFromRemote('https://git.example.com/a/my_repo')).toBe('my-repo');
  });

  it('reads statuses in any case, with "active" for every status that has not ended', () => {
    expect(parseStatuses('awaitingapproval,Failed')).toEqual(['AwaitingApproval', 'Failed']);
    expect(parseStatuses('active')).not.toContain('Done');
    expect(parseStatuses('active')).toContain('Blocked');
    expect(() => parseStatuses('Finished')).toThrow(InvalidArgumentError);
  });
});

describe('log lines', () => {
  const line = (kind: string, data: Record<string, unknown>, text: string | null = null) => ({
    cursor: '1', at: '2026-12-02T10:00:00.000Z', jobId: 'j', jobKind: 'agent-run', attempt: 1, seq: 1, kind, stage: 'work', iteration: 2, text, data,
  });

  it('shows text, tool calls by their target, usage and gate output on one line each', () => {
    expect(formatLogLine(line('text', {}, 'Planning.'), NO_COLORS)).toBe('work#2 │ Planning.');
    expect(formatLogLine(line('tool_use', { tool: 'Write', input: { file_path: 'src/a.ts' } }), NO_COLORS)).toBe('work#2 │ → Write src/a.ts');
    expect(formatLogLine(line('usage', { usage: { inputTokens: 10, outputTokens: 3, costUsd: 0 } }), NO_COLORS)).toBe('work#2 │ tokens: 10 in, 3 out');
    expect(formatLogLine({ ...line('gate_output', {}, 'ok 1\nok 2'), jobKind: 'gate-run' }, NO_COLORS)).toBe('work#2 gate │ ok 1\nwork#2 gate │ ok 2');
  });
});

describe('a channel of changes', () => {
  it('gives the consumer what producers pushed, in order, then its end or its failure', async () => {
    const channel = new Channel<number>();
    channel.push(1);
    setTimeout(() => {
      channel.push(2);
      channel.close();
    }, 5);
    const seen: number[] = [];
    for await (const n of channel) seen.push(n);
    expect(seen).toEqual([1, 2]);

    const failing = new Channel<number>();
    failing.push(1);
    failing.close(new Error('gone'));
    const got: number[] = [];
    await expect((async () => {
      for await (const n of failing) got.push(n);
    })()).rejects.toThrow('gone');
    expect(got).toEqual([1]);
  });
});
