-- A search without _sort finds its page's rids on indexes alone and reads only those rows in full
-- (store/search/compile.ts, pageByRid). For that the live resources' rids are an index of their own
-- (it also serves every "resource_type = $1 and not deleted order by rid" that resource_type_rid did),
-- and the most searched index tables carry rid in their value indexes, so a match needs no heap visit.
-- Index-only scans need the visibility map, which (auto)vacuum keeps; without it they still work.
create index resource_live on resource (resource_type, rid) where not deleted;
drop index resource_type_rid;

create index idx_token_code_rid on idx_token (resource_type, param, code, system) include (rid);
drop index idx_token_code;
create index idx_string_norm_rid on idx_string (resource_type, param, norm text_pattern_ops) include (rid);
drop index idx_string_norm;
create index idx_reference_target_rid on idx_reference (resource_type, param, target_id, target_type) include (rid);
drop index idx_reference_target;
create index idx_uri_value_rid on idx_uri (resource_type, param, value text_pattern_ops) include (rid);
drop index idx_uri_value;
