-- FHIR resources: the projection of fhir.resources.v1 (the system of record), rebuilt by replaying it.

-- The current version of every resource (also deleted ones: a read then answers 410).
create table fhir_resource (
  res_type text not null,
  res_id text not null,
  version_id bigint not null,
  last_updated timestamptz not null,
  deleted boolean not null,
  resource text,                       -- FHIR JSON with id and meta set; null when deleted
  primary key (res_type, res_id)
);
create index fhir_resource_type_updated on fhir_resource (res_type, last_updated);

-- Every version, for vread and _history.
create table fhir_resource_history (
  res_type text not null,
  res_id text not null,
  version_id bigint not null,
  last_updated timestamptz not null,
  deleted boolean not null,
  resource text,
  primary key (res_type, res_id, version_id)
);
create index fhir_resource_history_type_updated on fhir_resource_history (res_type, last_updated);

-- What became of each write command: read by the API instance that waits for it.
create table fhir_request (
  request_id text primary key,
  status int not null,                 -- HTTP status of the outcome
  res_type text not null,
  res_id text not null,
  version_id bigint,                   -- the version written or found; null when none
  message text,                        -- why, for rejections
  completed_at timestamptz not null default now()
);
create index fhir_request_completed on fhir_request (completed_at);

-- Search index of current, non-deleted versions. Rows of a resource are replaced with each version.
create table fhir_search_token (
  res_type text not null,
  res_id text not null,
  param text not null,
  system text,                         -- null when the element has no system
  code text not null
);
create index fhir_search_token_lookup on fhir_search_token (res_type, param, code, system);
create index fhir_search_token_resource on fhir_search_token (res_type, res_id);

create table fhir_search_string (
  res_type text not null,
  res_id text not null,
  param text not null,
  value text not null,                 -- normalised: lower case, accents removed
  exact text not null                  -- as written, for :exact (compared after an index match on value)
);
create index fhir_search_string_lookup on fhir_search_string (res_type, param, value text_pattern_ops);
create index fhir_search_string_resource on fhir_search_string (res_type, res_id);

create table fhir_search_date (
  res_type text not null,
  res_id text not null,
  param text not null,
  low timestamptz not null,            -- the instant range the value covers: [low, high]
  high timestamptz not null
);
create index fhir_search_date_lookup on fhir_search_date (res_type, param, low, high);
-- gt, ge, ne and le compare the high end: without this they scan every row of the parameter
create index fhir_search_date_high on fhir_search_date (res_type, param, high);
create index fhir_search_date_resource on fhir_search_date (res_type, res_id);

create table fhir_search_reference (
  res_type text not null,
  res_id text not null,
  param text not null,
  target_type text not null,
  target_id text not null
);
create index fhir_search_reference_lookup on fhir_search_reference (res_type, param, target_id, target_type);
create index fhir_search_reference_resource on fhir_search_reference (res_type, res_id);
