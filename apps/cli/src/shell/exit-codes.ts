/**
 * What `ork` exits with, so scripts can tell failures apart. The table in docs/cli.md is this
 * one; keep them together.
 */
export const EXIT = {
  /** It worked (for `ork watch`: the Trak reached Done or was integrated). */
  ok: 0,
  /** Something `ork` did not expect; the message says what, and a bug report is welcome. */
  internal: 1,
  /** The command line itself is wrong: unknown command or flag, missing argument, bad value. */
  usage: 2,
  /** The server cannot be reached (down, wrong URL, network). */
  unreachable: 3,
  /** No token, or the server refused it (unknown, revoked, expired): `ork login` again. */
  unauthenticated: 4,
  /** Signed in, but your role on the project does not allow this. */
  forbidden: 5,
  /** No such Trak, project, flow or user (or you cannot see it). */
  notFound: 6,
  /** The server refused the command: invalid input, or the Trak is not in a state that allows it. */
  rejected: 7,
  /** `ork watch` / `ork trak create --wait`: the Trak ended Failed, Blocked or Cancelled. */
  trakUnsuccessful: 8,
  /** Stopped by Ctrl-C. */
  interrupted: 130,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
