-- Raw vitals, natively range-partitioned by day (no TimescaleDB on this server).

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
) partition by range (effective_time);

create index vital_reading_patient_time on vital_reading (patient_id, effective_time desc);

-- Creates the daily partitions [from_day, to_day) that are missing; returns how many it created.
create function vitalflow_ensure_partitions(from_day date, to_day date) returns int
language plpgsql as $$
declare
  day date := from_day;
  created int := 0;
  name text;
begin
  while day < to_day loop
    name := 'vital_reading_' || to_char(day, 'YYYYMMDD');
    if to_regclass(name) is null then
      execute format('create table %I partition of vital_reading for values from (%L) to (%L)',
                     name, (day::timestamp at time zone 'UTC'), ((day + 1)::timestamp at time zone 'UTC'));
      created := created + 1;
    end if;
    day := day + 1;
  end loop;
  return created;
end $$;

-- Drops the daily partitions that end on or before cutoff; returns how many it dropped.
create function vitalflow_drop_partitions_before(cutoff date) returns int
language plpgsql as $$
declare
  child record;
  dropped int := 0;
begin
  for child in
    select c.relname from pg_inherits i
      join pg_class c on c.oid = i.inhrelid
      join pg_class p on p.oid = i.inhparent
     where p.relname = 'vital_reading' and c.relname ~ '^vital_reading_[0-9]{8}$'
  loop
    if to_date(substring(child.relname from 15), 'YYYYMMDD') < cutoff then
      execute format('drop table %I', child.relname);
      dropped := dropped + 1;
    end if;
  end loop;
  return dropped;
end $$;

-- Readings are accepted up to 7 days old (ingest rule); cover that window and a few days ahead.
select vitalflow_ensure_partitions(((now() at time zone 'UTC')::date - 8), ((now() at time zone 'UTC')::date + 4));

-- Hourly rollup computed from raw readings with date_bin, for ad-hoc analysis and for checking the
-- stream-computed vital_aggregate_1h. Reads use vital_aggregate_1h, which the stream keeps current.
create view vital_reading_hourly as
select patient_id, code, date_bin(interval '1 hour', effective_time, timestamptz '2000-01-01 00:00:00+00') as bucket,
       count(*) as count, min(value) as min, max(value) as max, avg(value) as mean
  from vital_reading
 group by 1, 2, 3;

insert into vitalflow_storage (layout) values ('NATIVE');
