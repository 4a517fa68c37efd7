-- The audit log: append-only and hash-chained. Each row carries the hash of the row before it and the
-- SHA-256 of its own canonical content (core/audit/chain.ts), so `openwatch audit verify` finds any row
-- altered or removed behind the trigger's back. Writers serialise on an advisory lock (core/audit/append.ts).
create table audit_events (
  id bigint primary key check (id > 0),
  occurred_at timestamptz not null,
  code text not null,
  actor_id uuid,
  actor_name text not null,
  target_type text,
  target_id text,
  ip text,
  details jsonb not null default '{}',
  prev_hash text not null check (prev_hash ~ '^[0-9a-f]{64}$'),
  hash text not null unique check (hash ~ '^[0-9a-f]{64}$')
);
create index audit_events_code_idx on audit_events (code, id);
create index audit_events_actor_idx on audit_events (actor_id, id);
create index audit_events_time_idx on audit_events (occurred_at);

create function audit_events_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'audit_events is append-only (% refused)', tg_op using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_events_no_update_delete
  before update or delete on audit_events
  for each row execute function audit_events_append_only();

create trigger audit_events_no_truncate
  before truncate on audit_events
  for each statement execute function audit_events_append_only();
