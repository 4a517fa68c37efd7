-- Benchmark profiles in the database (the API has no rule files on workerd), their assignment to hosts
-- and groups, report snapshots and report schedules (docs/profiles.md, docs/reports.md).

-- Written by the catalog sync from rules/profiles/*.yml; never edited through the API.
create table profiles (
  id text primary key check (id ~ '^[a-z0-9][a-z0-9_]{0,63}$'),
  title text not null,
  benchmark text not null,
  description text not null default '',
  -- [{family, min_version?, max_version?}]: the OSes this profile is the bundled default for.
  default_for jsonb not null default '[]',
  variables jsonb not null default '{}',
  rules text[] not null,
  corpus_version text not null,
  updated_at timestamptz not null default now()
);

-- No foreign key to profiles: a profile that leaves the corpus keeps its assignments (the API shows them
-- as missing) and the host falls through to the next level until someone chooses again.
create table host_profiles (
  host_id uuid primary key references hosts (id) on delete cascade,
  profile_id text not null,
  assigned_by uuid references users (id) on delete set null,
  assigned_at timestamptz not null default now()
);

create table group_profiles (
  group_id uuid primary key references host_groups (id) on delete cascade,
  profile_id text not null,
  assigned_by uuid references users (id) on delete set null,
  assigned_at timestamptz not null default now()
);

-- The profile each host is scanned and scored against: host > group (by group name when a host is in
-- several) > OS default > none (every rule). OS defaults are the `profiles.os_defaults` setting
-- ([{family, version, profile_id}], version matching the host's os_version or its prefix before a dot);
-- while that setting was never written, the profiles' own `default_for` (single-version entries) apply.
create view host_effective_profiles as
select h.id as host_id,
       coalesce(hp.profile_id, gp.profile_id, od.profile_id) as profile_id,
       case when hp.profile_id is not null then 'host'
            when gp.profile_id is not null then 'group'
            when od.profile_id is not null then 'os_default' end as source
  from hosts h
  left join lateral (
    select a.profile_id from host_profiles a join profiles p on p.id = a.profile_id where a.host_id = h.id
  ) hp on true
  left join lateral (
    select a.profile_id
      from host_group_members m
      join host_groups g on g.id = m.group_id
      join group_profiles a on a.group_id = m.group_id
      join profiles p on p.id = a.profile_id
     where m.host_id = h.id
     order by g.name, g.id limit 1
  ) gp on true
  left join lateral (
    select d->>'profile_id' as profile_id
      from jsonb_array_elements(coalesce(
             (select s.value from system_settings s where s.key = 'profiles.os_defaults'),
             (select jsonb_agg(jsonb_build_object('family', f->>'family', 'version', f->>'min_version',
                                                  'profile_id', p.id) order by p.id)
                from profiles p cross join lateral jsonb_array_elements(p.default_for) f
               where f->>'min_version' = f->>'max_version'),
             '[]'::jsonb)) d
      join profiles p on p.id = d->>'profile_id'
     where d->>'family' = h.os_family
       and (h.os_version = d->>'version' or h.os_version like (d->>'version') || '.%')
     limit 1
  ) od on true;

-- The profile a scan ran against (null: every rule, or an explicit rule selection).
alter table scans add column profile_id text;

-- Report snapshots: immutable once written. `json` is what the report says, `html` its rendering (the exact
-- bytes downloaded and hashed); when a report key was configured, `signed_json`/`signed_html` are the exact
-- signed files (core/reports/signing.ts).
create table report_snapshots (
  id uuid primary key default gen_random_uuid(),
  kind text not null check (kind in ('executive', 'attestation', 'exception_register', 'change_report')),
  scope text not null check (scope in ('fleet', 'group', 'host')),
  scope_id uuid,
  scope_name text,
  period_from timestamptz,
  period_to timestamptz,
  title text not null,
  json text not null,
  html text not null,
  sha256_json text not null,
  sha256_html text not null,
  key_id text,
  signed_json text,
  signed_html text,
  schedule_id uuid,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check ((scope = 'fleet') = (scope_id is null)),
  check ((key_id is null) = (signed_json is null) and (key_id is null) = (signed_html is null))
);
create index report_snapshots_created on report_snapshots (created_at desc, id desc);

-- Only the references that foreign keys clear (a deleted user or schedule) may change.
create function report_snapshots_immutable() returns trigger language plpgsql as $$
begin
  if (new.id, new.kind, new.scope, new.scope_id, new.scope_name, new.period_from, new.period_to, new.title,
      new.json, new.html, new.sha256_json, new.sha256_html, new.key_id, new.signed_json, new.signed_html,
      new.created_at)
     is distinct from
     (old.id, old.kind, old.scope, old.scope_id, old.scope_name, old.period_from, old.period_to, old.title,
      old.json, old.html, old.sha256_json, old.sha256_html, old.key_id, old.signed_json, old.signed_html,
      old.created_at) then
    raise exception 'report snapshots are immutable' using errcode = 'P0001';
  end if;
  return new;
end $$;
create trigger report_snapshots_no_update before update on report_snapshots
  for each row execute function report_snapshots_immutable();

create table report_schedules (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  kind text not null check (kind in ('executive', 'attestation', 'exception_register', 'change_report')),
  scope text not null check (scope in ('fleet', 'group', 'host')),
  scope_id uuid,
  every text not null check (every in ('daily', 'weekly', 'monthly')),
  channel_ids uuid[] not null default '{}',
  enabled boolean not null default true,
  next_run_at timestamptz not null,
  last_run_at timestamptz,
  -- The newest snapshot it made. No foreign key: snapshots already reference their schedule, and a cycle
  -- of foreign keys cannot be restored table by table (core/node/backup/load.ts); snapshots are immutable.
  last_report_id uuid,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  check ((scope = 'fleet') = (scope_id is null))
);
create index report_schedules_due on report_schedules (next_run_at) where enabled;
alter table report_snapshots
  add constraint report_snapshots_schedule foreign key (schedule_id) references report_schedules (id)
  on delete set null;

-- Scheduled reports are delivered through the notification channels and logged like alert deliveries.
alter table alert_deliveries drop constraint alert_deliveries_purpose_check;
alter table alert_deliveries add constraint alert_deliveries_purpose_check
  check (purpose in ('fired', 'resolved', 'test', 'report'));

-- A host's score (the host list's sort key, migration 0014) is its posture against its effective profile:
-- read from the host's profile-scoped summary (host_posture, migration 0015), which the result write
-- (core/results/apply.ts) refreshes before it marks the scan completed, in the same transaction.
create or replace function host_posture_refresh() returns trigger language plpgsql as $$
begin
  update hosts h
     set score = (select case when p.pass + p.fail > 0 then p.pass::float8 / (p.pass + p.fail) end
                    from host_posture p where p.host_id = new.host_id and p.framework = '*'),
         last_scan_at = greatest(h.last_scan_at, new.finished_at)
   where h.id = new.host_id;
  return null;
end $$;
