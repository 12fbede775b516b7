-- Raw vitals in a TimescaleDB hypertable with compression and retention policies.
-- Not run inside a transaction: continuous aggregates cannot be created in one (see the .conf file).

create extension if not exists timescaledb;

create table vital_reading (
  patient_id text not null,
  code text not null,
  effective_time timestamptz not null,
  value double precision not null,
  unit text not null,
  device_id text not null,
  reading_id text not null,
  received_at timestamptz not null,
  stored_at timestamptz not null
);

select create_hypertable('vital_reading', by_range('effective_time', interval '1 day'));

create index vital_reading_patient_time on vital_reading (patient_id, effective_time desc);

alter table vital_reading set (
  timescaledb.compress,
  timescaledb.compress_segmentby = 'patient_id, code',
  timescaledb.compress_orderby = 'effective_time desc'
);
select add_compression_policy('vital_reading', interval '8 days');
select add_retention_policy('vital_reading', interval '30 days');

-- The same maintenance entry points as the native layout; TimescaleDB's policies do the work here.
create function vitalflow_ensure_partitions(from_day date, to_day date) returns int
language sql as $$ select 0 $$;
create function vitalflow_drop_partitions_before(cutoff date) returns int
language sql as $$ select 0 $$;

-- Hourly rollup from raw readings as a continuous aggregate (time_bucket), refreshed by policy.
create materialized view vital_reading_hourly
with (timescaledb.continuous) as
select patient_id, code, time_bucket(interval '1 hour', effective_time) as bucket,
       count(*) as count, min(value) as min, max(value) as max, avg(value) as mean
  from vital_reading
 group by 1, 2, 3
with no data;

select add_continuous_aggregate_policy('vital_reading_hourly',
  start_offset => interval '8 days', end_offset => interval '1 hour', schedule_interval => interval '15 minutes');

insert into vitalflow_storage (layout) values ('TIMESCALE');
