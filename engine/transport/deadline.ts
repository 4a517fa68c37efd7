import { TransportError } from './types.ts';

/**
 * Arms a per-operation timeout and an AbortSignal listener; whichever fires first calls `onFire` with
 * the matching TransportError. `clear()` must be called once the operation settles.
 */
export function armDeadline(
  opts: { timeoutMs?: number; signal?: AbortSignal; what: string },
  onFire: (err: TransportError) => void,
): { clear: () => void } {
  let timer: NodeJS.Timeout | undefined;
  let fired = false;
  const fire = (err: TransportError) => {
    if (fired) return;
    fired = true;
    clear();
    onFire(err);
  };
  const onAbort = () => fire(abortedError(opts.what, opts.signal));
  const clear = () => {
    if (timer) clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
  };
  if (opts.signal?.aborted) {
    // Deliver on the next tick so callers finish wiring their handlers first.
    queueMicrotask(onAbort);
    return { clear };
  }
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.timeoutMs !== undefined && opts.timeoutMs > 0) {
    timer = setTimeout(
      () => fire(new TransportError('timeout', `${opts.what} timed out after ${opts.timeoutMs} ms`)),
      opts.timeoutMs,
    );
  }
  return { clear };
}

export function abortedError(what: string, signal?: AbortSignal): TransportError {
  const reason: unknown = signal?.reason;
  const why = reason instanceof Error ? `: ${reason.message}` : '';
  return new TransportError('aborted', `${what} aborted${why}`);
}
