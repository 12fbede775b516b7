-- Issue 16: every R4 search parameter is indexed. The four tables of V3 stay as they are; these
-- hold the parameter types V3 had no table for. Like V3's, their rows are those of the current,
-- non-deleted version and are replaced with each version.

create table fhir_search_number (
  res_type text not null,
  res_id text not null,
  param text not null,
  value numeric not null
);
create index fhir_search_number_lookup on fhir_search_number (res_type, param, value);
create index fhir_search_number_resource on fhir_search_number (res_type, res_id);

create table fhir_search_quantity (
  res_type text not null,
  res_id text not null,
  param text not null,
  value numeric not null,
  system text,                         -- null when the quantity has none
  code text,                           -- the unit code (or the unit text when there is no code)
  canonical_code text,                 -- UCUM base unit (g, m, s, L) when the unit is normalised
  canonical_value numeric              -- the value in that unit
);
create index fhir_search_quantity_lookup on fhir_search_quantity (res_type, param, value);
create index fhir_search_quantity_canonical on fhir_search_quantity (res_type, param, canonical_code, canonical_value);
create index fhir_search_quantity_resource on fhir_search_quantity (res_type, res_id);

create table fhir_search_uri (
  res_type text not null,
  res_id text not null,
  param text not null,
  uri text not null
);
create index fhir_search_uri_lookup on fhir_search_uri (res_type, param, uri text_pattern_ops);
create index fhir_search_uri_resource on fhir_search_uri (res_type, res_id);

-- A composite parameter: the first component is always a token; the second is a token or string
-- (system2, code2), a number or quantity (value2, with system2/code2 the unit) or a date (low2, high2).
create table fhir_search_composite (
  res_type text not null,
  res_id text not null,
  param text not null,
  system1 text,
  code1 text not null,
  system2 text,
  code2 text,
  value2 numeric,
  low2 timestamptz,
  high2 timestamptz
);
create index fhir_search_composite_lookup on fhir_search_composite (res_type, param, code1, system1);
create index fhir_search_composite_resource on fhir_search_composite (res_type, res_id);

-- The indexed set changed: rows that V3-era code extracted cover a handful of parameters only, until
-- the resource is projected again. Rebuild by replaying fhir.resources.v1 (docs/fhir.md, "Search").
