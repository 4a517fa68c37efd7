-- The prose of each rule (what it checks, why, how to fix it) for the console's rule and evidence views.
-- Its own table so the catalog's list queries stay narrow; filled by the same catalog sync.
create table rule_text (
  rule_id text primary key references rule_catalog (rule_id) on delete cascade,
  description text not null,
  rationale text not null,
  remediation text not null
);

-- Catalogs synced before this table existed have no text: make the next start-up sync them again.
update rule_catalog set corpus_version = 'pre-0014';
