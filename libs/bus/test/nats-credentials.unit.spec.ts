import { describe, expect, it } from '@jest/globals';
import { ConflictingNatsCredentialsError, natsCredentials } from '../src/index.js';

describe('the credentials a NATS URL carries', () => {
  it('are taken out of the URL and given apart, decoded', () => {
    expect(natsCredentials('nats://runner:p%40ss@team.example:4222')).toEqual({ servers: ['nats://team.example:4222'], auth: { user: 'runner', pass: 'p@ss' } });
  });

  it('are a token when the URL names no password, as NATS tools spell it', () => {
    expect(natsCredentials('nats://s3cr3t@team.example:4222')).toEqual({ servers: ['nats://team.example:4222'], auth: { token: 's3cr3t' } });
  });

  it('are none for a URL without them, which is passed on as written', () => {
    expect(natsCredentials(['nats://127.0.0.1:4222', '127.0.0.1:4223'])).toEqual({ servers: ['nats://127.0.0.1:4222', '127.0.0.1:4223'], auth: {} });
  });

  it('give way to a user and password given apart', () => {
    expect(natsCredentials('nats://old:old@team.example:4222', { user: 'runner', password: 'new' })).toEqual({
      servers: ['nats://team.example:4222'],
      auth: { user: 'runner', pass: 'new' },
    });
  });

  it('must be the same in every URL, and the error shows none of them', () => {
    const both = (): unknown => natsCredentials(['nats://a:first-secret@one:4222', 'nats://b:second-secret@two:4222']);
    expect(both).toThrow(ConflictingNatsCredentialsError);
    expect(both).not.toThrow(/secret/);
  });
});
