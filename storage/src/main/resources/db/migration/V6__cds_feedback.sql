-- CDS Hooks feedback (fhir-api, POST /cds-services/{id}/feedback): what a clinician did with a card, and why an
-- interaction was overridden. One row per feedback item; a client that sends the same item again (a retry after a
-- lost response) stores nothing twice.

create table cds_feedback (
  id bigint generated always as identity primary key,
  service_id text not null,
  card_uuid uuid not null,
  outcome text not null check (outcome in ('accepted', 'overridden')),
  outcome_at timestamptz not null,
  -- overridden: the reason the clinician chose from the card's overrideReasons, and a free-text comment
  override_system text,
  override_code text,
  override_display text,
  user_comment text,
  -- accepted: the uuids of the suggestions taken
  accepted_suggestions text[] not null default '{}',
  received_at timestamptz not null default now(),
  unique (service_id, card_uuid, outcome, outcome_at)
);
create index cds_feedback_outcome_at on cds_feedback (outcome_at);
