-- Events (a durable outbox), alert rules and alerts, notification channels and their delivery log.

-- Written in the same transaction as the change that causes it (core/events/emit.ts). Writers take a
-- transaction-scoped advisory lock before drawing an id, so ids become visible in order and a reader
-- that remembers the last id it saw (alert evaluation, SSE `Last-Event-ID`) never skips one.
create table events (
  id bigint generated always as identity primary key,
  kind text not null check (kind ~ '^[a-z_]+(\.[a-z_0-9]+)+$'),
  occurred_at timestamptz not null default now(),
  host_id uuid references hosts (id) on delete cascade,
  rule_id text,
  severity text check (severity in ('low', 'medium', 'high', 'critical')),
  -- Where the console links to, e.g. /hosts/<id>/results?rule=<rule>.
  link text,
  data jsonb not null default '{}'
);
create index events_host on events (host_id, id) where host_id is not null;
create index events_kind on events (kind, id);

-- How far each consumer of the event log has read (the alert evaluator).
create table event_cursors (
  consumer text primary key,
  last_event_id bigint not null default 0,
  updated_at timestamptz not null default now()
);
insert into event_cursors (consumer) values ('alerts');

create table notification_channels (
  id uuid primary key default gen_random_uuid(),
  name text not null check (length(name) between 1 and 100),
  type text not null check (type in ('webhook', 'slack', 'email')),
  -- Non-secret settings (SMTP host, port, TLS mode, sender, recipients; never a URL with a token).
  config jsonb not null default '{}',
  -- AES-256-GCM envelope (core/crypto/envelope.ts) of the secret part: webhook URL + signing secret,
  -- Slack webhook URL, SMTP password. AAD notification_channels:<id>:secret.
  secret_enc text not null,
  key_version text not null check (key_version ~ '^[0-9a-f]{8}$'),
  enabled boolean not null default true,
  created_by uuid references users (id) on delete set null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create unique index notification_channels_name on notification_channels (lower(name));

create table alert_rules (
  id uuid primary key default gen_random_uuid(),
  -- Built-in rules have a stable key and cannot be deleted (only disabled or re-routed).
  builtin_key text unique,
  name text not null check (length(name) between 1 and 100),
  event_kind text not null,
  min_severity text check (min_severity in ('low', 'medium', 'high', 'critical')),
  -- Matches when the host carries any of these tags / is in any of these groups (empty: every host).
  host_tags text[] not null default '{}',
  group_ids uuid[] not null default '{}',
  -- Matches only rules mapped to this framework (a key of rule_catalog.refs, e.g. cis, stig).
  framework text,
  -- Numeric threshold on the event's data, e.g. drift: {"field": "delta_points", "lte": -10}.
  threshold jsonb,
  dedup_window_seconds integer not null default 86400 check (dedup_window_seconds between 0 and 2592000),
  channel_ids uuid[] not null default '{}',
  enabled boolean not null default true,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

insert into alert_rules (builtin_key, name, event_kind, min_severity, threshold) values
  ('host_unreachable', 'Host unreachable', 'host.liveness_changed', null, '{"field": "to", "eq": "down"}'),
  ('critical_regressed', 'Critical rule regressed', 'rule.regressed', 'critical', null),
  ('drift_major', 'Major drift (score fell by 10 points or more)', 'drift.detected', null,
   '{"field": "delta_points", "lte": -10}'),
  ('host_key_changed', 'Host key changed', 'host_key.changed', null, null);

create table alerts (
  id uuid primary key default gen_random_uuid(),
  alert_rule_id uuid not null references alert_rules (id) on delete cascade,
  -- kind + host + rule: what deduplication compares.
  dedup_key text not null,
  event_kind text not null,
  host_id uuid references hosts (id) on delete cascade,
  rule_id text,
  severity text,
  title text not null,
  link text,
  state text not null default 'active'
    check (state in ('active', 'acknowledged', 'silenced', 'resolved', 'dismissed')),
  silenced_until timestamptz,
  occurrences integer not null default 1,
  first_event_id bigint not null,
  last_event_id bigint not null,
  first_seen_at timestamptz not null,
  last_seen_at timestamptz not null,
  state_changed_at timestamptz not null default now(),
  state_changed_by uuid references users (id) on delete set null,
  resolved_at timestamptz,
  created_at timestamptz not null default now(),
  check ((state = 'silenced') = (silenced_until is not null))
);
-- One open alert per rule and key: concurrent evaluators cannot open two.
create unique index alerts_open_key on alerts (alert_rule_id, dedup_key)
  where state in ('active', 'acknowledged', 'silenced');
create index alerts_state on alerts (state, last_seen_at desc);
create index alerts_host on alerts (host_id) where host_id is not null;

-- Per-user read marks: the notification bell's unread count is open alerts without one.
create table alert_reads (
  user_id uuid not null references users (id) on delete cascade,
  alert_id uuid not null references alerts (id) on delete cascade,
  read_at timestamptz not null default now(),
  primary key (user_id, alert_id)
);

-- One row per delivery attempt: the delivery log of an alert (alert_id null for "send test").
create table alert_deliveries (
  id bigint generated always as identity primary key,
  alert_id uuid references alerts (id) on delete cascade,
  channel_id uuid not null references notification_channels (id) on delete cascade,
  -- What was sent: the alert firing, its resolution, or a test message.
  purpose text not null check (purpose in ('fired', 'resolved', 'test')),
  attempt integer not null,
  ok boolean not null,
  detail text not null default '' check (length(detail) <= 2000),
  attempted_at timestamptz not null default now()
);
create index alert_deliveries_alert on alert_deliveries (alert_id, id) where alert_id is not null;
create index alert_deliveries_channel on alert_deliveries (channel_id, id);

-- Host intelligence (core/intel/): the current inventory per host and section, written only when a
-- section's content changed, and the history of what changed.
create table host_intel (
  host_id uuid not null references hosts (id) on delete cascade,
  section text not null
    check (section in ('packages', 'services', 'users', 'groups', 'ports', 'interfaces', 'routes', 'mounts', 'system')),
  -- SHA-256 of the canonical JSON of items: equal hashes mean nothing to write.
  content_hash text not null,
  items jsonb not null,
  collected_at timestamptz not null,
  changed_at timestamptz not null,
  primary key (host_id, section)
);
create table host_intel_changes (
  id bigint generated always as identity primary key,
  host_id uuid not null references hosts (id) on delete cascade,
  section text not null,
  collected_at timestamptz not null,
  -- Items by key: added, removed, and changed ({before, after}).
  added jsonb not null default '[]',
  removed jsonb not null default '[]',
  changed jsonb not null default '[]'
);
create index host_intel_changes_host on host_intel_changes (host_id, id desc);
-- Fleet queries: "which hosts have package X", "which hosts listen on port N".
create index host_intel_packages on host_intel using gin (items jsonb_path_ops) where section in ('packages', 'ports');
