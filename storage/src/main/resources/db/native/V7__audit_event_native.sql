-- The audit trail (issue 14): one row per FHIR AuditEvent, stored by the audit sink from audit.v1, natively
-- range-partitioned by month of the recorded time. Retention drops whole months
-- (vitalflow_audit_drop_partitions_before, run by the audit module's AuditRetention; 5 years by default).

create table audit_event (
  recorded timestamptz not null,
  id uuid not null,
  service text not null,
  action text not null check (action in ('C', 'R', 'U', 'D', 'E')),
  subtype text not null,
  outcome smallint not null check (outcome in (0, 4, 8, 12)),
  -- the HTTP status answered, 0 when there was none (a WebSocket message)
  status smallint not null,
  agent_subject text,
  client_id text,
  source_address text,
  patient_ids text[] not null default '{}',
  entity_refs text[] not null default '{}',
  request_id text,
  -- the AuditEvent as produced (FHIR JSON); references only, never content
  resource text not null,
  stored_at timestamptz not null default now(),
  primary key (id, recorded)
) partition by range (recorded);

create index audit_event_recorded on audit_event (recorded desc, id desc);
create index audit_event_patient on audit_event using gin (patient_ids);
create index audit_event_agent on audit_event (agent_subject, recorded desc);
create index audit_event_client on audit_event (client_id, recorded desc);
create index audit_event_action on audit_event (action, recorded desc);
create index audit_event_outcome on audit_event (outcome, recorded desc);
create index audit_event_subtype on audit_event (subtype, recorded desc);

-- Creates the monthly partitions that are missing for [from_day, to_day) and returns how many it created. Several
-- sink consumers may call it at once: creating takes a transaction-level advisory lock, checked again under it.
create function vitalflow_audit_ensure_partitions(from_day date, to_day date) returns int
language plpgsql as $$
declare
  month date;
  created int := 0;
  name text;
  locked boolean := false;
begin
  month := date_trunc('month', from_day)::date;
  while month < to_day loop
    name := 'audit_event_' || to_char(month, 'YYYYMM');
    if to_regclass(name) is null then
      if not locked then
        perform pg_advisory_xact_lock(hashtext('vitalflow_audit_event_partitions'));
        locked := true;
      end if;
      if to_regclass(name) is null then
        execute format('create table %I partition of audit_event for values from (%L) to (%L)',
                       name, (month::timestamp at time zone 'UTC'),
                       ((month + interval '1 month')::timestamp at time zone 'UTC'));
        created := created + 1;
      end if;
    end if;
    month := (month + interval '1 month')::date;
  end loop;
  return created;
end $$;

-- Drops the monthly partitions that end on or before cutoff; returns how many it dropped.
create function vitalflow_audit_drop_partitions_before(cutoff timestamptz) returns int
language plpgsql as $$
declare
  child record;
  dropped int := 0;
begin
  for child in
    select c.relname from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
     where p.relname = 'audit_event' and c.relname ~ '^audit_event_[0-9]{6}$'
  loop
    if ((to_date(substring(child.relname from 13), 'YYYYMM') + interval '1 month')::timestamp at time zone 'UTC')
        <= cutoff then
      execute format('drop table %I', child.relname);
      dropped := dropped + 1;
    end if;
  end loop;
  return dropped;
end $$;

select vitalflow_audit_ensure_partitions(((now() at time zone 'UTC')::date - 31), ((now() at time zone 'UTC')::date + 62));
