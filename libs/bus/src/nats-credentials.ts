/** What the NATS client is given: the URLs without credentials, and the credentials apart. */
export interface NatsCredentials {
  readonly servers: string[];
  readonly auth: { readonly user?: string; readonly pass?: string; readonly token?: string };
}

/** The URLs name different users; the client can log in as one only. Names no secret. */
export class ConflictingNatsCredentialsError extends Error {
  override readonly name = 'ConflictingNatsCredentialsError';
}

/**
 * Takes `user:password@` (or a lone `token@`) out of NATS URLs. The NATS client reads no
 * credentials from a URL, and a URL without them can go into any error message or log line.
 * Explicit `user`/`password` win over the URLs'.
 */
export function natsCredentials(servers: string | readonly string[], given: { readonly user?: string | undefined; readonly password?: string | undefined } = {}): NatsCredentials {
  const list = typeof servers === 'string' ? [servers] : [...servers];
  const found = new Set<string>();
  let auth: NatsCredentials['auth'] = {};
  const bare = list.map((server) => {
    const url = parseUrl(server);
    if (url === undefined || (url.username === '' && url.password === '')) return server;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    // `nats://token@host` is how NATS tools spell a token; `user:@host` is a user with an empty password.
    auth = url.password === '' && !server.includes(`${url.username}:@`) ? { token: user } : { user, pass: password };
    found.add(JSON.stringify(auth));
    url.username = '';
    url.password = '';
    return url.toString();
  });
  if (given.user !== undefined && given.user !== '') return { servers: bare, auth: { user: given.user, pass: given.password ?? '' } };
  if (found.size > 1) throw new ConflictingNatsCredentialsError('The NATS URLs carry different credentials; give every URL the same user and password, or give them once apart from the URLs');
  return { servers: bare, auth };
}

function parseUrl(server: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) return undefined;
  try {
    return new URL(server);
  } catch {
    return undefined;
  }
}
