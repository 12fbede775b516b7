-- Issue 16: which set of search parameters the FHIR search index holds. fhir-api computes a
-- fingerprint of the parameters it indexes and of its extraction (SearchIndexVersion); when it differs
-- from indexed_set, one instance (a PostgreSQL advisory lock) re-indexes every current resource in
-- batches in the background while the server keeps serving, remembering how far it got (cursor_*) so
-- that a restart resumes. One row at most. No row: an index from before this version, re-indexed once.
create table fhir_index_state (
  id int primary key default 1 check (id = 1),
  indexed_set text not null,            -- the fingerprint the whole index reflects ('' while none does)
  target_set text,                      -- the fingerprint being built; null when none is
  cursor_type text,                     -- the last (res_type, res_id) re-indexed towards target_set
  cursor_id text,
  reindexed bigint not null default 0,  -- resources re-indexed towards target_set so far
  updated_at timestamptz not null default now()
);
