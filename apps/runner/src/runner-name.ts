import { z } from 'zod';

/**
 * A runner's name becomes part of NATS subjects and KV keys (`runner-<name>`), where dots and
 * wildcards have meaning, so it is kept to letters, digits, `-` and `_`.
 */
export const RUNNER_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export const runnerNameSetting = () => {
  const error = 'expected 1 to 64 letters, digits, "-" or "_", starting with a letter or digit';
  return z.string({ error }).regex(RUNNER_NAME_PATTERN, { error });
};

/** The default name: the host's first DNS label, lower-cased, other characters turned into `-`. */
export function runnerNameFromHostname(hostname: string): string {
  const label = (hostname.split('.')[0] ?? '')
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '-')
    .replace(/^[-_]+/, '')
    .slice(0, 64);
  return label === '' ? 'runner' : label;
}
