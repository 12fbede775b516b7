-- Tables shared by both storage layouts of raw vitals.

create table vitalflow_storage (
  layout text not null check (layout in ('NATIVE', 'TIMESCALE')),
  chosen_at timestamptz not null default now()
);

-- Window aggregates from the stream processor. A window is upserted on every update; the last
-- update of a window (after its grace period) is final.
create table vital_aggregate_1m (
  patient_id text not null,
  code text not null,
  window_start timestamptz not null,
  window_end timestamptz not null,
  unit text not null,
  count bigint not null,
  min double precision not null,
  max double precision not null,
  sum double precision not null,
  mean double precision not null,
  last double precision not null,
  last_time timestamptz not null,
  primary key (patient_id, code, window_start)
);

create table vital_aggregate_1h (like vital_aggregate_1m including all);

-- Consumer positions of the sinks, committed in the same transaction as the rows they produced.
create table kafka_consumer_offset (
  consumer_group text not null,
  topic text not null,
  partition int not null,
  next_offset bigint not null,
  updated_at timestamptz not null default now(),
  primary key (consumer_group, topic, partition)
);
