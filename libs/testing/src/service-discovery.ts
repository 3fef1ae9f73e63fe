import type * as testcontainers from 'testcontainers';
import { tcpProbe } from './tcp-probe.js';

type Testcontainers = typeof testcontainers;

/** A server kind the integration tests need, and how to find or start one. */
export interface ServiceKind {
  label: string;
  envVar: string;
  localUrl: string;
  defaultPort: number;
  /** The command that starts the local service (STACK.md, "Local services"). */
  startCommand: string;
  startContainer(testcontainers: Testcontainers): Promise<string>;
}

/** The side effects of discovery, replaceable in tests. */
export interface DiscoveryDeps {
  env: Record<string, string | undefined>;
  /** `undefined` when reachable, else why not. */
  probe(url: URL): Promise<string | undefined>;
  /** The testcontainers module when a container runtime answers, else why not. */
  containers(): Promise<Testcontainers | string>;
}

/** No server could be found or started; the message says what to start. */
export class ServiceUnavailableError extends Error {
  override readonly name = 'ServiceUnavailableError';
}

const PROBE_TIMEOUT_MS = 1000;

/** Hides the password so URLs can go into error messages. */
export function redact(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}

export function parseServerUrl(url: string, kind: ServiceKind): URL {
  const parsed = new URL(url.includes('://') ? url : `${new URL(kind.localUrl).protocol}//${url}`);
  if (!parsed.port) parsed.port = String(kind.defaultPort);
  return parsed;
}

export const defaultDeps: DiscoveryDeps = {
  // Read on each call: specs (and Jest) may replace process.env after this module loaded.
  get env() {
    return process.env;
  },
  probe: (url) => tcpProbe(url.hostname.replace(/^\[|\]$/g, ''), Number(url.port), PROBE_TIMEOUT_MS),
  async containers() {
    try {
      // Loaded only here: it is heavy, and most machines use the local services.
      const loaded = await import('testcontainers');
      await loaded.getContainerRuntimeClient();
      return loaded;
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  },
};

// One container per kind per test file's module registry, however many helpers ask for it.
const started = new Map<string, Promise<string>>();

/**
 * Finds a server URL: the env var (which must then be reachable), else the local default,
 * else a container, else a ServiceUnavailableError that says what to start.
 */
export async function findServer(kind: ServiceKind, deps: DiscoveryDeps = defaultDeps): Promise<string> {
  const given = deps.env[kind.envVar];
  if (given) {
    // A URL someone chose is never swapped silently for another server.
    const reason = await deps.probe(parseServerUrl(given, kind));
    if (reason === undefined) return given;
    throw new ServiceUnavailableError(
      `${kind.label} at ${kind.envVar}=${redact(given)} is not reachable (${reason}). ` +
        `Start the server it names, or unset ${kind.envVar} to use ${kind.localUrl}.\n${hint(kind)}`,
    );
  }

  const localReason = await deps.probe(parseServerUrl(kind.localUrl, kind));
  if (localReason === undefined) return kind.localUrl;

  const containers = await deps.containers();
  if (typeof containers !== 'string') {
    let url = started.get(kind.label);
    if (!url) {
      url = kind.startContainer(containers);
      started.set(kind.label, url);
    }
    return url;
  }

  throw new ServiceUnavailableError(
    `No ${kind.label} for integration tests: ${kind.envVar} is not set, ${kind.localUrl} is not reachable ` +
      `(${localReason}) and there is no container runtime (${containers}).\n${hint(kind)}`,
  );
}

function hint(kind: ServiceKind): string {
  return `To start the local ${kind.label} (as root):\n  ${kind.startCommand}\nor set ${kind.envVar} to a reachable server.`;
}
