import { useQuery } from '@tanstack/react-query';
import { call, client } from '../../api/client.ts';
import { useSession } from '../../app/session.ts';
import { FetchState } from '../../components/FetchState.tsx';
import { PageHeader } from '../../components/Page.tsx';
import { IntervalCard, intervalKey } from './IntervalCard.tsx';
import { SCAN_KEY, ScanScheduleCard } from './ScanScheduleCard.tsx';
import '../../styles/admin.css';

/** The system's scan, discovery and liveness schedules and global maintenance (docs/schedules.md). */
export function Schedules() {
  const { can } = useSession();
  const editable = can('settings:manage');
  const scan = useQuery({
    queryKey: SCAN_KEY,
    queryFn: () => call(() => client.GET('/api/v1/system/scan/config')),
  });
  const discovery = useQuery({
    queryKey: intervalKey('discovery'),
    queryFn: () => call(() => client.GET('/api/v1/system/discovery/config')),
  });
  const liveness = useQuery({
    queryKey: intervalKey('liveness'),
    queryFn: () => call(() => client.GET('/api/v1/system/liveness/config')),
  });
  return (
    <>
      <PageHeader
        title="Schedules & maintenance"
        sub="When OpenWatch scans, discovers and checks hosts by itself. Hosts and groups in maintenance are skipped."
      />
      <FetchState query={scan} rows={5}>
        {(s) => <ScanScheduleCard value={s} editable={editable} />}
      </FetchState>
      <div className="grid two">
        <FetchState query={discovery} rows={3}>
          {(d) => <IntervalCard kind="discovery" value={d} editable={editable} />}
        </FetchState>
        <FetchState query={liveness} rows={3}>
          {(d) => <IntervalCard kind="liveness" value={d} editable={editable} />}
        </FetchState>
      </div>
    </>
  );
}
