-- Live dashboards (dashboard-push): which ward a patient is on, and who acknowledged which alert.

create table ward_assignment (
  patient_id text primary key,
  ward text not null,
  updated_at timestamptz not null default now()
);
create index ward_assignment_ward on ward_assignment (ward);

create table alert_ack (
  alert_id text primary key,
  patient_id text not null,
  acknowledged_at timestamptz not null,
  acknowledged_by text not null
);
