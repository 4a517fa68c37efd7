import { abortedError } from './deadline.ts';

/**
 * Caps concurrent SSH channels on one connection. OpenSSH's default `MaxSessions 10` leaves about six
 * usable at once in practice; a server configured lower answers "open failed", after which `refused()`
 * lowers the cap to what is open for the rest of the connection instead of failing every later command.
 */
export class ChannelLimiter {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private limit: number) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new RangeError('channel limit must be a positive integer');
  }

  get current(): number {
    return this.limit;
  }

  /** Resolves with a release function once a slot is free; rejects with `aborted` if `signal` fires first. */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(abortedError('waiting for an SSH channel', signal));
    return new Promise((resolve, reject) => {
      const grant = () => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        let released = false;
        resolve(() => {
          if (released) return;
          released = true;
          this.active -= 1;
          this.pump();
        });
      };
      const onAbort = () => {
        const i = this.waiters.indexOf(grant);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(abortedError('waiting for an SSH channel', signal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(grant);
      this.pump();
    });
  }

  /** After the server refused a channel (slot already released): cap at the channels held now, at least one. */
  refused(): void {
    this.limit = Math.max(1, Math.min(this.limit - 1, this.active));
  }

  private pump(): void {
    while (this.active < this.limit) {
      const next = this.waiters.shift();
      if (!next) return;
      next();
    }
  }
}

/** Exponential backoff with jitter for channel retries: ~25, 50, 100, 200 ms … capped at 1 s. */
export function backoffMs(attempt: number): number {
  const base = Math.min(1000, 25 * 2 ** attempt);
  return base / 2 + Math.random() * (base / 2);
}

/** Waits `ms`, or rejects with `aborted` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(t);
      reject(abortedError('waiting to retry an SSH channel', signal));
    };
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
