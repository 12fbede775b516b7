-- A reading is stored once: (patient_id, effective_time, reading_id) becomes unique, so that a reading sent
-- again (a client retry after a 503, a reused reading id) is acknowledged again but not stored twice. The
-- readings sink COPYs and, when a batch holds a reading already stored, inserts it with ON CONFLICT DO NOTHING.
-- A unique index on a hypertable must contain the time column (effective_time); see docs/storage.md.

-- Keep one row (the first stored) of each reading already stored more than once. Equal effective times lie
-- in the same chunk, so tableoid + ctid name a row. Chunks compressed already (older than 8 days) hold
-- readings the gateway no longer accepts; TimescaleDB (2.11+) decompresses what the delete touches.
delete from vital_reading a
 using vital_reading b
 where a.patient_id = b.patient_id
   and a.effective_time = b.effective_time
   and a.reading_id = b.reading_id
   and a.tableoid = b.tableoid
   and (a.stored_at, a.ctid) > (b.stored_at, b.ctid);

-- The unique index replaces the lookup index: same leading columns (patient, newest first), so it serves the
-- same queries and the hot ingest path still maintains one index.
create unique index vital_reading_patient_time_id on vital_reading (patient_id, effective_time desc, reading_id);
drop index vital_reading_patient_time;
