-- The current version of every resource, one row per (type, id). A deleted resource keeps its row with
-- deleted = true and no content, so a read can answer 410 and the next version number is known.
create table resource (
  rid           bigint generated always as identity primary key,
  resource_type text        not null,
  id            text        not null,
  version_id    integer     not null,
  last_updated  timestamptz not null,
  deleted       boolean     not null default false,
  content       text,
  -- 'Patient/123' for every patient compartment the resource is in (R4 CompartmentDefinition).
  compartments  text[]      not null default '{}',
  unique (resource_type, id)
);
create index resource_type_updated on resource (resource_type, last_updated desc, id desc);
create index resource_updated on resource (last_updated desc, resource_type desc, id desc);
create index resource_compartments on resource using gin (compartments);

-- Every earlier version. History = this table + the current row in `resource`; a version moves here when
-- it is superseded, so a create writes one row, not two.
create table resource_history (
  resource_type text        not null,
  id            text        not null,
  version_id    integer     not null,
  last_updated  timestamptz not null,
  deleted       boolean     not null,
  content       text,
  primary key (resource_type, id, version_id)
);
create index resource_history_type_updated on resource_history (resource_type, last_updated desc, id desc);
create index resource_history_updated on resource_history (last_updated desc, resource_type desc, id desc);
