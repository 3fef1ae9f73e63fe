import type { CliIo } from '../cli.js';

/**
 * A signal that aborts on Ctrl-C while a long-running command (a follow, a watch) runs: the
 * command's own SIGINT handler, removed again by `dispose`, or the spec's `io.signal`.
 */
export function interruption(io: Pick<CliIo, 'signal'>): { readonly signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  if (io.signal !== undefined) {
    if (io.signal.aborted) controller.abort();
    io.signal.addEventListener('abort', abort, { once: true });
    return { signal: controller.signal, dispose: () => io.signal?.removeEventListener('abort', abort) };
  }
  process.on('SIGINT', abort);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', abort) };
}
