-- Which OAuth client sent a reading: the ingest gateway puts the authenticated client id in the header
-- vitalflow.client of every record it produces (security on), and the readings sink stores it here.
-- Nullable: rows stored before this version, readings written through the FHIR API (fhir-api's command
-- processor produces vitals.raw.v1 without the header) and readings sent with security off have none.
-- One file for both layouts: adding a nullable column without a default is the same statement on a natively
-- partitioned table (every partition, now and later, gets it) and on a TimescaleDB hypertable (compressed
-- chunks included), and rewrites no rows.
alter table vital_reading add column source_client text;
