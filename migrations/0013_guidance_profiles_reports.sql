-- Remediation guidance in the rule catalog (the API has no rule files on workerd).
alter table rule_catalog
  add column description text not null default '',
  add column rationale text not null default '',
  add column remediation text not null default '',
  add column check_summary text not null default '',
  add column variables jsonb not null default '{}'::jsonb,
  add column shell_fix text;
