import { ApiProblem } from '../../api/problem.ts';

/** What one host's request did: done, or refused with the API's code and message. */
export interface HostOutcome {
  id: string;
  ok: boolean;
  code?: string;
  message?: string;
}

/** At most this many requests in flight: the browser's per-origin limit, and kind to the server. */
const PARALLEL = 6;

/**
 * Runs `act` for every host id and reports each outcome; one host's failure never stops the others and
 * is never hidden.
 */
export async function forEachHost(
  ids: readonly string[],
  act: (id: string) => Promise<unknown>,
): Promise<HostOutcome[]> {
  const out = new Map<string, HostOutcome>();
  let next = 0;
  const worker = async () => {
    while (next < ids.length) {
      const id = ids[next++];
      if (id === undefined) return;
      try {
        await act(id);
        out.set(id, { id, ok: true });
      } catch (err) {
        out.set(
          id,
          err instanceof ApiProblem
            ? { id, ok: false, code: err.code, message: err.message }
            : { id, ok: false, code: 'network', message: err instanceof Error ? err.message : String(err) },
        );
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, ids.length) }, worker));
  return ids.flatMap((id) => out.get(id) ?? []);
}
