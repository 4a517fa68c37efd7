-- Posture summaries, so that posture, top failing and the fleet summary read thousands of rows instead of
-- aggregating every host × rule state per request (issue 11, load at 1,000,000 rule states).
--
-- host_posture: one host's verdict counts over all its rules (framework '*') and over the rules of each
-- framework key in their catalog references. Rewritten for a host by applyScanResults in the scan's
-- transaction, and for every host when the rule catalog changes. Deleted hosts are left out when read.
create table host_posture (
  host_id uuid not null references hosts (id) on delete cascade,
  framework text not null,
  pass integer not null,
  fail integer not null,
  error integer not null,
  not_applicable integer not null,
  not_assessable integer not null,
  primary key (framework, host_id)
);
create index host_posture_host on host_posture (host_id);

-- rule_posture: live hosts whose current verdict of the rule is fail. applyScanResults adds the host's
-- change (its failing rules before and after) in the scan's transaction; the trigger below takes a host's
-- failures out when it is deleted (and puts them back should it be restored).
create table rule_posture (
  rule_id text primary key,
  failing_hosts integer not null
);

create function rule_posture_host_deleted() returns trigger language plpgsql as $$
begin
  insert into rule_posture as r (rule_id, failing_hosts)
  select s.rule_id, case when new.deleted_at is null then 1 else -1 end
    from host_rule_state s where s.host_id = new.id and s.status = 'fail'
   order by s.rule_id
  on conflict (rule_id) do update set failing_hosts = r.failing_hosts + excluded.failing_hosts;
  return null;
end $$;
create trigger hosts_rule_posture after update of deleted_at on hosts
  for each row when ((old.deleted_at is null) <> (new.deleted_at is null))
  execute function rule_posture_host_deleted();

-- Backfill from the current state (the same statements as rebuildPostureSummary, core/db/sql/posture-summary.ts).
insert into host_posture (host_id, framework, pass, fail, error, not_applicable, not_assessable)
select s.host_id, k.framework,
       count(*) filter (where s.status = 'pass'), count(*) filter (where s.status = 'fail'),
       count(*) filter (where s.status = 'error'), count(*) filter (where s.status = 'not_applicable'),
       count(*) filter (where s.status = 'not_assessable')
  from host_rule_state s
  left join rule_catalog rc on rc.rule_id = s.rule_id
  cross join lateral (select '*' union all select jsonb_object_keys(coalesce(rc.refs, '{}'::jsonb))) k(framework)
 group by s.host_id, k.framework;

insert into rule_posture (rule_id, failing_hosts)
select s.rule_id, count(*) from host_rule_state s join hosts h on h.id = s.host_id
 where s.status = 'fail' and h.deleted_at is null
 group by s.rule_id;
