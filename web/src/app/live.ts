import { csrfToken, refreshSession } from '../api/client.ts';

/** One event of the durable log, as the stream and the polling route send it (docs/events.md). */
export interface LiveEvent {
  id: string;
  kind: string;
  occurred_at: string;
  host_id: string | null;
  rule_id: string | null;
  severity: string | null;
  link: string | null;
  data: Record<string, unknown>;
}

/**
 * `live`: following the stream (a normal end and reconnect stays `live`); `polling`: the fallback;
 * `reconnecting`: an attempt failed, waiting to try again; `stopped`: signed out.
 */
export type LiveState = 'connecting' | 'live' | 'polling' | 'reconnecting' | 'stopped';

interface LiveHandlers {
  onEvents(events: LiveEvent[]): void;
  onState(state: LiveState): void;
}

const STREAM = '/api/v1/events/stream';
const POLL = '/api/v1/events';
const POLL_MS = 5_000;
const POLL_LIMIT = 500;
const BACKOFF_MIN_MS = 1_000;
const BACKOFF_MAX_MS = 30_000;
/** Until the server says otherwise (`retry:`), reconnect this soon after a stream ends normally. */
const DEFAULT_RETRY_MS = 2_000;

class StreamUnavailable extends Error {}
class SignedOut extends Error {}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Follows the event log for as long as the page lives, with one cursor: the id of the last event
 * handed on. The SSE stream is read with fetch (not EventSource) so a 401 can refresh the session and
 * the cursor goes out as Last-Event-ID on every reconnect, on Node (an open stream) and on workerd (the
 * backlog, then the stream ends). Where the stream is not served as `text/event-stream` (a proxy that
 * rewrites it, an older server) it polls `GET /api/v1/events?after=cursor` instead. Returns `stop`.
 */
export function followEvents(handlers: LiveHandlers): () => void {
  const abort = new AbortController();
  const { signal } = abort;
  let cursor: string | undefined;
  let retryMs = DEFAULT_RETRY_MS;
  /** The last attempt opened a stream: a failure after that starts the backoff from the beginning. */
  let opened = false;

  /** Fetch with one session refresh on 401; throws SignedOut when refreshing cannot help. */
  async function authed(url: string, init: RequestInit): Promise<Response> {
    let res = await fetch(url, { ...init, credentials: 'same-origin', signal });
    if (res.status === 401 && csrfToken() !== undefined && (await refreshSession()))
      res = await fetch(url, { ...init, credentials: 'same-origin', signal });
    if (res.status === 401) throw new SignedOut();
    return res;
  }

  async function readStream(): Promise<void> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (cursor !== undefined) headers['last-event-id'] = cursor;
    const res = await authed(STREAM, { headers, cache: 'no-store' });
    const type = res.headers.get('content-type') ?? '';
    if (!res.ok || !type.startsWith('text/event-stream') || !res.body) {
      await res.body?.cancel();
      if (res.status >= 500) throw new Error(`events stream: ${res.status}`);
      throw new StreamUnavailable();
    }
    opened = true;
    handlers.onState('live');
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    const parser = sseParser((e) => handlers.onEvents([e]), {
      onStart: (from) => {
        cursor ??= from;
      },
      onId: (id) => {
        cursor = id;
      },
      onRetry: (ms) => {
        retryMs = ms;
      },
    });
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      parser(value);
    }
  }

  async function poll(): Promise<void> {
    handlers.onState('polling');
    // Without a cursor, skip the past: only what happens from now on is news.
    let catchingUp = cursor === undefined;
    while (!signal.aborted) {
      const res = await authed(`${POLL}?after=${cursor ?? '0'}&limit=${POLL_LIMIT}`, { cache: 'no-store' });
      if (!res.ok) throw new Error(`events: ${res.status}`);
      const body = (await res.json()) as { items: LiveEvent[]; next_after: string };
      cursor = body.next_after;
      if (!catchingUp && body.items.length > 0) handlers.onEvents(body.items);
      if (body.items.length < POLL_LIMIT) {
        catchingUp = false;
        await sleep(POLL_MS, signal);
      }
    }
  }

  async function run(): Promise<void> {
    let backoff = BACKOFF_MIN_MS;
    let polling = false;
    handlers.onState('connecting');
    while (!signal.aborted) {
      try {
        if (polling) await poll();
        else await readStream();
        backoff = BACKOFF_MIN_MS;
        await sleep(retryMs, signal);
      } catch (err) {
        if (signal.aborted) break;
        if (err instanceof SignedOut) break;
        if (err instanceof StreamUnavailable) {
          polling = true;
          continue;
        }
        if (opened) backoff = BACKOFF_MIN_MS;
        opened = false;
        handlers.onState('reconnecting');
        await sleep(backoff + Math.random() * backoff * 0.2, signal);
        backoff = Math.min(backoff * 2, BACKOFF_MAX_MS);
      }
    }
    handlers.onState('stopped');
  }

  void run();
  return () => abort.abort();
}

interface ParserHooks {
  /** The stream's first comment, `: after <id>`: where it starts when the client sent no id. */
  onStart(from: string): void;
  onId(id: string): void;
  onRetry(ms: number): void;
}

/** A text/event-stream parser (the WHATWG rules this server uses: id, data, retry, comments). */
function sseParser(onEvent: (e: LiveEvent) => void, hooks: ParserHooks): (chunk: string) => void {
  let buffer = '';
  let data: string[] = [];
  let id: string | undefined;
  return (chunk) => {
    buffer += chunk;
    let nl: number;
    while ((nl = buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + (buffer.startsWith('\r\n', nl) ? 2 : 1));
      if (line === '') {
        if (id !== undefined) hooks.onId(id);
        if (data.length > 0) onEvent(JSON.parse(data.join('\n')) as LiveEvent);
        data = [];
        id = undefined;
        continue;
      }
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === '') {
        const start = /^after (\d+)$/.exec(value);
        if (start?.[1]) hooks.onStart(start[1]);
      } else if (field === 'data') data.push(value);
      else if (field === 'id') id = value;
      else if (field === 'retry' && /^\d+$/.test(value)) hooks.onRetry(Number(value));
    }
  };
}
