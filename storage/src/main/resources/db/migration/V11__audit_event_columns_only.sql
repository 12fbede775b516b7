-- The audit trail stores the columns of each AuditEvent only (issue 14, its cost per request): the event's FHIR JSON
-- is written again from them when searched, the same document the sink read (every element of it has its column,
-- AuditEvents.toJson is deterministic). A row no longer carries a kilobyte of JSON for the database to parse, log
-- and keep for five years.
alter table audit_event drop column resource;

-- Searching by action, outcome or interaction alone walks audit_event_recorded (newest first) and filters: these
-- columns take a handful of values, and an index on each cost every stored event three more index entries. The
-- searches a hospital runs name a patient, an agent or a period, which keep their indexes.
drop index if exists audit_event_action;
drop index if exists audit_event_outcome;
drop index if exists audit_event_subtype;
