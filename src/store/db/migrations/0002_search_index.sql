-- The order a search returns resources in when it has no _sort (keyset paging on rid), per type.
create index resource_type_rid on resource (resource_type, rid);

-- Search index tables, one per kind of value. Rows belong to the current version of a resource (rid) and
-- are replaced in the same transaction as every write.
create table idx_token (
  rid           bigint not null,
  resource_type text   not null,
  param         text   not null,
  system        text,
  code          text,
  -- the display text (Coding.display, CodeableConcept.text, Identifier.type.text), folded as for string search, for :text
  text_value    text
);
create index idx_token_code on idx_token (resource_type, param, code, system);
create index idx_token_rid on idx_token (rid);

create table idx_string (
  rid           bigint not null,
  resource_type text   not null,
  param         text   not null,
  -- lower-cased, accents removed: what default and :contains search compare against
  norm          text   not null,
  -- the value as written, for :exact
  value         text   not null
);
create index idx_string_norm on idx_string (resource_type, param, norm text_pattern_ops);
create index idx_string_rid on idx_string (rid);

create table idx_reference (
  rid           bigint not null,
  resource_type text   not null,
  param         text   not null,
  target_type   text,
  target_id     text,
  -- absolute or canonical references that do not point into this server
  target_url    text
);
create index idx_reference_target on idx_reference (resource_type, param, target_id, target_type);
create index idx_reference_url on idx_reference (resource_type, param, target_url) where target_url is not null;
create index idx_reference_reverse on idx_reference (target_type, target_id);
create index idx_reference_rid on idx_reference (rid);

create table idx_date (
  rid           bigint      not null,
  resource_type text        not null,
  param         text        not null,
  -- the range the value covers at its precision: 2023-03 is [2023-03-01, 2023-04-01)
  low           timestamptz,
  high          timestamptz
);
create index idx_date_range on idx_date (resource_type, param, low, high);
-- gt and eb compare the upper end only
create index idx_date_high on idx_date (resource_type, param, high);
create index idx_date_rid on idx_date (rid);

create table idx_number (
  rid           bigint  not null,
  resource_type text    not null,
  param         text    not null,
  value         numeric not null
);
create index idx_number_value on idx_number (resource_type, param, value);
create index idx_number_rid on idx_number (rid);

create table idx_quantity (
  rid           bigint  not null,
  resource_type text    not null,
  param         text    not null,
  value         numeric not null,
  system        text,
  code          text,
  unit          text,
  -- the value in UCUM canonical units, when it converts
  canon_value   numeric,
  canon_code    text
);
create index idx_quantity_value on idx_quantity (resource_type, param, code, value);
create index idx_quantity_canon on idx_quantity (resource_type, param, canon_code, canon_value);
create index idx_quantity_rid on idx_quantity (rid);

create table idx_uri (
  rid           bigint not null,
  resource_type text   not null,
  param         text   not null,
  value         text   not null
);
-- text_pattern_ops: :below is a LIKE prefix, which a plain index serves only under the C collation
create index idx_uri_value on idx_uri (resource_type, param, value text_pattern_ops);
create index idx_uri_rid on idx_uri (rid);

-- Composite parameters (R4: token+quantity, token+token, token+date, token+string, reference+token,
-- token+number+number): one row per combination of component values taken from the same element.
create table idx_composite (
  rid           bigint not null,
  resource_type text   not null,
  param         text   not null,
  a_system      text,
  a_code        text,
  b_system      text,
  b_code        text,
  b_value       numeric,
  b_canon_value numeric,
  b_canon_code  text,
  b_low         timestamptz,
  b_high        timestamptz,
  c_value       numeric
);
create index idx_composite_a on idx_composite (resource_type, param, a_code, a_system);
create index idx_composite_rid on idx_composite (rid);
