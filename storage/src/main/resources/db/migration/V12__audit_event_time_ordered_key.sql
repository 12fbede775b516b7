-- The audit trail's key in time order (issue 14, its cost per event): the primary key was (id, recorded), so each
-- stored event put its random UUID at a random place in that index (a random leaf page read, changed and, after every
-- checkpoint, written to the WAL whole), and audit_event_recorded kept the same pair again in time order for the
-- searches. One index on (recorded, id) does both: new events go to its right edge, a search's newest-first order
-- is that index read backwards, and an event sent twice still conflicts on (id, recorded), the same two columns.
-- On an existing trail this rebuilds the key once (a table lock for as long as that takes: docs/operations.md).
alter table audit_event drop constraint audit_event_pkey;
alter table audit_event add constraint audit_event_pkey primary key (recorded, id);
drop index if exists audit_event_recorded;
