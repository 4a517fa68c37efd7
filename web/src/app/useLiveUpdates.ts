import { useQueryClient, type QueryKey } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { followEvents, type LiveState } from './live.ts';
import { keysFor } from './live-keys.ts';

/** Events come in bursts (a scan's completion brings its regressions): refetch once per burst. */
const SETTLE_MS = 200;

/**
 * Follows the event log while the signed-in shell is mounted and marks the matching queries stale, so
 * open pages refetch what changed; returns the connection state for the header.
 */
export function useLiveUpdates(): LiveState {
  const qc = useQueryClient();
  const [state, setState] = useState<LiveState>('connecting');
  useEffect(() => {
    const pending = new Map<string, QueryKey>();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const flush = () => {
      timer = undefined;
      const keys = [...pending.values()];
      pending.clear();
      for (const queryKey of keys) void qc.invalidateQueries({ queryKey });
    };
    const stop = followEvents({
      onEvents: (events) => {
        for (const e of events) for (const k of keysFor(e)) pending.set(JSON.stringify(k), k);
        timer ??= setTimeout(flush, SETTLE_MS);
      },
      onState: setState,
    });
    return () => {
      stop();
      if (timer) clearTimeout(timer);
    };
  }, [qc]);
  return state;
}
