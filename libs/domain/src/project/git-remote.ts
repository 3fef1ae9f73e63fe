/**
 * Which project remotes are accepted: a URL git understands (http, https, ssh, git, file), the
 * scp-like `user@host:path`, or an absolute path to a bare repository. Runners bring their own
 * git credentials, so a remote carrying one is refused: the event log would keep it for ever.
 */
export type RemoteCheck =
  | { readonly ok: true; readonly kind: 'url' | 'scp' | 'path' }
  | { readonly ok: false; readonly problem: string; readonly carriesSecret: boolean };

const SCHEMES = ['https', 'http', 'ssh', 'git', 'file', 'git+ssh', 'ssh+git'];

const URL_FORM = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)([?#].*)?$/i;

const SCP_FORM = /^([A-Za-z0-9._~-]+)@([A-Za-z0-9.-]+):(?!\/\/)(.+)$/;

/** `user:secret@` at the start of a remote written without a scheme. */
const BARE_CREDENTIALS = /^[^/@:\s]+:[^/@\s]*@/;

const EXPECTED = 'a git URL (https://…, ssh://…, git://…, file:///…, or user@host:path) or an absolute path to a bare repository';

export function checkRemote(remote: string): RemoteCheck {
  if (remote.trim() === '') return refused('must not be blank');
  if (/\s/.test(remote)) return refused('must not contain whitespace');
  if (remote.startsWith('/')) return { ok: true, kind: 'path' };

  const url = URL_FORM.exec(remote);
  if (url !== null) return checkUrl(url[1]!.toLowerCase(), url[2]!, url[3]!, url[4]);

  if (BARE_CREDENTIALS.test(remote)) return secret('carries a password or token before "@"');
  if (SCP_FORM.test(remote)) return { ok: true, kind: 'scp' };
  return refused(`is not ${EXPECTED}`);
}

function checkUrl(scheme: string, authority: string, path: string, rest: string | undefined): RemoteCheck {
  if (!SCHEMES.includes(scheme)) return refused(`uses "${scheme}://", which is not ${EXPECTED}`);
  const at = authority.lastIndexOf('@');
  const userInfo = at === -1 ? undefined : authority.slice(0, at);
  const host = at === -1 ? authority : authority.slice(at + 1);
  if (userInfo !== undefined && userInfo.includes(':')) return secret('carries a password or token in its user part (user:secret@host)');
  // Over http(s) a user part alone is how forges take a token (https://<token>@host/…).
  if (userInfo !== undefined && scheme.startsWith('http')) return secret('carries a user name or token (https://user@host/…)');
  if (rest !== undefined) return secret('has a query string or fragment, which git remotes do not use and which may carry a token');
  if (scheme === 'file') {
    if (host !== '' && host !== 'localhost') return refused('must be a file URL on this machine (file:///path)');
    if (path.length < 2) return refused('must name an absolute path (file:///srv/git/repo.git)');
    return { ok: true, kind: 'url' };
  }
  if (host === '' || host.startsWith(':')) return refused(`has no host (${scheme}://host/path)`);
  if (path === '' || path === '/') return refused(`has no repository path (${scheme}://host/path)`);
  return { ok: true, kind: 'url' };
}

/**
 * The remote with anything that may be a secret masked, for messages: the user part of a URL
 * (or of a scheme-less remote) and any query string or fragment.
 */
export function redactRemote(remote: string): string {
  const url = URL_FORM.exec(remote);
  if (url !== null) {
    const [, scheme, authority, path, rest] = url;
    const at = authority!.lastIndexOf('@');
    const host = at === -1 ? authority! : `***@${authority!.slice(at + 1)}`;
    return `${scheme}://${host}${path}${rest === undefined ? '' : `${rest[0]}***`}`;
  }
  return BARE_CREDENTIALS.test(remote) ? remote.replace(BARE_CREDENTIALS, '***@') : remote;
}

const refused = (problem: string): RemoteCheck => ({ ok: false, problem, carriesSecret: false });

const secret = (problem: string): RemoteCheck => ({
  ok: false,
  problem: `${problem}; secrets must never reach the event log, so give runners their own git credentials (a credential helper or SSH key) and register the remote without them`,
  carriesSecret: true,
});
