-- System-wide settings edited at run time (scan/discovery/liveness intervals, global maintenance …),
-- one JSON document per key so that each area validates its own shape.
create table system_settings (
  key text primary key check (key ~ '^[a-z][a-z0-9_.]{0,62}$'),
  value jsonb not null,
  updated_at timestamptz not null default now()
);
