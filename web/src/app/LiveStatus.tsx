import { useLiveUpdates } from './useLiveUpdates.ts';

const TEXT = {
  connecting: 'Connecting…',
  live: 'Live',
  polling: 'Live (polling)',
  reconnecting: 'Reconnecting…',
  stopped: 'Offline',
} as const;

/** Follows the event log for the whole signed-in shell and says whether pages are being kept current. */
export function LiveStatus() {
  const state = useLiveUpdates();
  return (
    <span className={`live-status live-${state}`} role="status" data-testid="live-status" data-state={state}>
      <span className="live-dot" aria-hidden="true" />
      {TEXT[state]}
    </span>
  );
}
