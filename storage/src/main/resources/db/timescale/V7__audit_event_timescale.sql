-- The audit trail (issue 14): one row per FHIR AuditEvent, stored by the audit sink from audit.v1, in a TimescaleDB
-- hypertable with monthly chunks. Retention drops whole chunks (vitalflow_audit_drop_partitions_before, run by the
-- audit module's AuditRetention with its setting; 5 years by default), not a TimescaleDB policy, so the one setting
-- works on both layouts.

create table audit_event (
  recorded timestamptz not null,
  id uuid not null,
  service text not null,
  action text not null check (action in ('C', 'R', 'U', 'D', 'E')),
  subtype text not null,
  outcome smallint not null check (outcome in (0, 4, 8, 12)),
  status smallint not null,
  agent_subject text,
  client_id text,
  source_address text,
  patient_ids text[] not null default '{}',
  entity_refs text[] not null default '{}',
  request_id text,
  resource text not null,
  stored_at timestamptz not null default now(),
  primary key (id, recorded)
);

select create_hypertable('audit_event', by_range('recorded', interval '1 month'), create_default_indexes => false);

create index audit_event_recorded on audit_event (recorded desc, id desc);
create index audit_event_patient on audit_event using gin (patient_ids);
create index audit_event_agent on audit_event (agent_subject, recorded desc);
create index audit_event_client on audit_event (client_id, recorded desc);
create index audit_event_action on audit_event (action, recorded desc);
create index audit_event_outcome on audit_event (outcome, recorded desc);
create index audit_event_subtype on audit_event (subtype, recorded desc);

-- The same entry points as the native layout: TimescaleDB makes chunks as rows arrive.
create function vitalflow_audit_ensure_partitions(from_day date, to_day date) returns int
language sql as $$ select 0 $$;

create function vitalflow_audit_drop_partitions_before(cutoff timestamptz) returns int
language sql as $$ select count(*)::int from drop_chunks('audit_event', older_than => cutoff) $$;
