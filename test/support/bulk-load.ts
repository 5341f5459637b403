/**
 * Loads many Patients and Observations fast, for plan and timing tests: set-based
 * `insert ... select from generate_series` into `resource` and the index tables, writing exactly the
 * rows the write path (`fhir/search/extract.ts` + `store/write-sql.ts`) would write for the same
 * content. Values that need the extractor's own code (folded names, UCUM canonical values) are computed
 * in JS for each distinct value and passed in as arrays. `checkShape` proves the equivalence for a
 * sample by running the real extractor over the loaded content.
 */
import type { Resource } from '@medplum/fhirtypes';
import { normalizeString } from '../../src/fhir/search/values/normalize.js';
import { canonicalQuantity } from '../../src/fhir/search/values/ucum.js';
import type { IndexEntries } from '../../src/fhir/search/index-entries.js';
import type { Db } from '../../src/store/db/db.js';

export const PNR = 'http://electronichealth.se/identifier/personnummer';
export const LOINC = 'http://loinc.org';
const UCUM = 'http://unitsofmeasure.org';
const CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';

export const FAMILIES = [
  'Andersson', 'Johansson', 'Karlsson', 'Nilsson', 'Eriksson', 'Larsson', 'Olsson', 'Persson', 'Svensson', 'Gustafsson',
  'Pettersson', 'Jonsson', 'Jansson', 'Hansson', 'Bengtsson', 'Jönsson', 'Lindberg', 'Jakobsson', 'Magnusson', 'Olofsson',
  'Lindström', 'Lindqvist', 'Lindgren', 'Berg', 'Axelsson', 'Bergström', 'Lundberg', 'Lind', 'Lundgren', 'Lundqvist',
  'Mattsson', 'Berglund', 'Fredriksson', 'Sandberg', 'Henriksson', 'Forsberg', 'Sjöberg', 'Wallin', 'Engström', 'Eklund',
  'Danielsson', 'Lundin', 'Håkansson', 'Björk', 'Bergman', 'Gunnarsson', 'Holm', 'Wikström', 'Samuelsson', 'Isaksson',
  'Fransson', 'Bergqvist', 'Nyström', 'Holmberg', 'Arvidsson', 'Löfgren', 'Söderberg', 'Nyberg', 'Blomqvist', 'Claesson',
  'Nordström', 'Mårtensson', 'Lundström', 'Viklund', 'Björklund', 'Eliasson', 'Pålsson', 'Berggren', 'Sandström', 'Lund',
  'Nordin', 'Ström', 'Åberg', 'Hermansson', 'Ekström', 'Holmgren', 'Sundberg', 'Hedlund', 'Dahlberg', 'Hellström',
  'Sjögren', 'Abrahamsson', 'Falk', 'Öberg', 'Andreasson', 'Blom', 'Månsson', 'Ek', 'Åström', 'Strand',
  'Holmqvist', 'Norberg', 'Sundström', 'Lindholm', 'Dahl', 'Jonasson', 'Hedberg', 'Ivarsson', 'Sandin', 'Lindblom',
];
export const GIVENS = ['Anna', 'Eva', 'Maria', 'Karin', 'Sara', 'Lars', 'Mikael', 'Anders', 'Johan', 'Per', 'Åsa', 'Örjan', 'Elsa', 'Nils', 'Ingrid', 'Sven', 'Britt', 'Olle', 'Kerstin', 'Gösta'];

/** The LOINC codes and their UCUM units; each patient gets two Observations of each. */
export const CODES = [
  { code: '8867-4', unit: '/min', values: [52, 58, 60, 64, 66, 70, 72, 75, 80, 88, 95, 110] },
  { code: '9279-1', unit: '/min', values: [10, 12, 14, 16, 18, 20, 22, 24] },
  { code: '8310-5', unit: 'Cel', values: [35.9, 36.4, 36.8, 37.0, 37.5, 38.2, 39.1] },
  { code: '29463-7', unit: 'kg', values: [3.5, 12, 25.4, 48, 61.5, 70, 82.3, 95, 120] },
  { code: '8302-2', unit: 'cm', values: [50, 98, 120.5, 155, 162, 170, 178.5, 185, 199] },
];

export interface BulkSize {
  patients: number;
  /** Observations per patient; a multiple of CODES.length. */
  perPatient: number;
  /** Starts every id (default `bulk`), so a second load can add other patients beside the first. */
  prefix?: string;
  /** Every Observation a heart rate (CODES[0]) instead of a round of all codes. */
  heartRatesOnly?: boolean;
}

/** Patient number g (1-based) as the write path would store and index it. */
export function patientId(g: number, prefix = 'bulk'): string {
  return `${prefix}-p${g}`;
}

const INSTANT = `to_char(%s at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const instant = (expr: string) => INSTANT.replace('%s', expr);

/**
 * Loads `size` (default 10,000 Patients × 10 Observations) and runs ANALYZE. The Observation of
 * patient p (1-based) and round k (0-based) has code CODES[k % 5] and effective time
 * 2020-01-01 + (k * patients + p) minutes, so later rounds are later.
 */
export async function bulkLoad(db: Db, size: BulkSize = { patients: 10_000, perPatient: 10 }): Promise<void> {
  const { patients: n, perPatient, prefix = 'bulk', heartRatesOnly = false } = size;
  // Per patient, the values whose indexed form needs the write path's own code (folded names).
  const people = Array.from({ length: n }, (_, i) => {
    const family = FAMILIES[i % FAMILIES.length]!;
    const given = GIVENS[Math.floor(i / FAMILIES.length) % GIVENS.length]!;
    return [family, normalizeString(family), given, normalizeString(given), `${given} ${family}`, normalizeString(`${given} ${family}`)];
  });
  await db.transaction(async (tx) => {
    await tx.query(
      `create temporary table bulk_patient on commit drop as
       select g, $7::text || '-p' || g as id, u.family, u.family_norm, u.given, u.given_norm, u.full_value, u.full_norm,
              case when g % 2 = 0 then 'female' else 'male' end as gender,
              date '1930-01-01' + (g * 7919) % 30000 as birth,
              '19' || lpad(g::text, 10, '0') as pnr,
              'bulk-org' || (g % 20) as org,
              timestamptz '2024-06-01T00:00:00Z' + g * interval '1 millisecond' as lu
       from (select u.*, u.ord::int as g
             from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[]) with ordinality
                  as u(family, family_norm, given, given_norm, full_value, full_norm, ord)) u`,
      [...[0, 1, 2, 3, 4, 5].map((k) => people.map((p) => p[k])), prefix],
    );
    await tx.query(
      `insert into resource (resource_type, id, version_id, last_updated, content, compartments)
       select 'Patient', id, 1, lu,
         json_build_object('resourceType', 'Patient', 'id', id,
           'meta', json_build_object('versionId', '1', 'lastUpdated', ${instant('lu')}),
           'identifier', json_build_array(json_build_object('system', $1::text, 'value', pnr)),
           'active', true,
           'name', json_build_array(json_build_object('family', family, 'given', json_build_array(given))),
           'gender', gender, 'birthDate', to_char(birth, 'YYYY-MM-DD'),
           'managingOrganization', json_build_object('reference', 'Organization/' || org))::text,
         array['Patient/' || id]
       from bulk_patient order by g`,
      [PNR],
    );
    await tx.query(`create temporary table bulk_rid on commit drop as select p.*, r.rid from bulk_patient p join resource r on r.resource_type = 'Patient' and r.id = p.id`);
    await tx.query(
      `insert into idx_token (rid, resource_type, param, system, code, text_value)
       select rid, 'Patient', t.param, t.system, t.code, null from bulk_rid,
       lateral (values ('active', null, 'true'), ('deceased', null, 'false'), ('gender', null, gender), ('identifier', $1::text, pnr)) t(param, system, code)`,
      [PNR],
    );
    await tx.query(
      `insert into idx_string (rid, resource_type, param, norm, value)
       select rid, 'Patient', s.param, s.norm, s.value from bulk_rid,
       lateral (values ('family', family_norm, family), ('given', given_norm, given),
                       ('name', family_norm, family), ('name', given_norm, given), ('name', full_norm, full_value),
                       ('phonetic', family_norm, family), ('phonetic', given_norm, given), ('phonetic', full_norm, full_value)) s(param, norm, value)`,
    );
    await tx.query(
      `insert into idx_reference (rid, resource_type, param, target_type, target_id, target_url)
       select rid, 'Patient', 'organization', 'Organization', org, null from bulk_rid`,
    );
    await tx.query(
      `insert into idx_date (rid, resource_type, param, low, high)
       select rid, 'Patient', d.param, d.low, d.high from bulk_rid,
       lateral (values ('birthdate', birth::timestamp at time zone 'UTC', (birth + 1)::timestamp at time zone 'UTC')) d(param, low, high)`,
    );

    // Observations: per code, its unit and the canonical form of each of its values, from the write path's own UCUM code.
    const codeRows = CODES.flatMap((c, ci) =>
      c.values.map((v, vi) => {
        const canon = canonicalQuantity(String(v), c.unit);
        if (!canon) throw new Error(`no canonical form for ${v} ${c.unit}`);
        return [ci + 1, vi + 1, c.code, c.unit, String(v), canon.value, canon.code] as const;
      }),
    );
    await tx.query(`create temporary table bulk_code (ci int, vi int, code text, unit text, value numeric, value_text text, canon_value numeric, canon_code text, nvalues int) on commit drop`);
    await tx.query(
      `insert into bulk_code select u.ci, u.vi, u.code, u.unit, u.v::numeric, u.v, u.cv::numeric, u.cc, 0
       from unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[]) u(ci, vi, code, unit, v, cv, cc)`,
      [0, 1, 2, 3, 4, 5, 6].map((k) => codeRows.map((r) => r[k])),
    );
    await tx.query(`update bulk_code c set nvalues = (select count(*) from bulk_code d where d.ci = c.ci)`);
    await tx.query(
      `create temporary table bulk_obs on commit drop as
       select k, p.g, $3::text || '-o' || (k * $1::int + p.g) as id, p.id as patient,
              c.code, c.unit, c.value, c.value_text, c.canon_value, c.canon_code,
              timestamptz '2020-01-01T00:00:00Z' + (k * $1::int + p.g) * interval '1 minute' as eff,
              timestamptz '2024-07-01T00:00:00Z' + (k * $1::int + p.g) * interval '1 millisecond' as lu
       from generate_series(0, $2::int - 1) k
       cross join bulk_patient p
       join bulk_code c on c.ci = ${heartRatesOnly ? 1 : `k % ${CODES.length} + 1`}
         and c.vi = (p.g * 31 + k) % c.nvalues + 1`,
      [n, perPatient, prefix],
    );
    await tx.query(
      `insert into resource (resource_type, id, version_id, last_updated, content, compartments)
       select 'Observation', id, 1, lu,
         json_build_object('resourceType', 'Observation', 'id', id,
           'meta', json_build_object('versionId', '1', 'lastUpdated', ${instant('lu')}),
           'status', 'final',
           'category', json_build_array(json_build_object('coding', json_build_array(json_build_object('system', $1::text, 'code', 'vital-signs')))),
           'code', json_build_object('coding', json_build_array(json_build_object('system', $2::text, 'code', code))),
           'subject', json_build_object('reference', 'Patient/' || patient),
           'effectiveDateTime', to_char(eff at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'),
           'valueQuantity', json_build_object('value', value, 'unit', unit, 'system', $3::text, 'code', unit))::text,
         array['Patient/' || patient]
       from bulk_obs order by k, g`,
      [CATEGORY, LOINC, UCUM],
    );
    await tx.query(`create temporary table bulk_orid on commit drop as select o.*, r.rid from bulk_obs o join resource r on r.resource_type = 'Observation' and r.id = o.id`);
    await tx.query(
      `insert into idx_token (rid, resource_type, param, system, code, text_value)
       select rid, 'Observation', t.param, t.system, t.code, null from bulk_orid,
       lateral (values ('code', $1::text, code), ('category', $2::text, 'vital-signs'),
                       ('combo-code', $1::text, code), ('status', null, 'final')) t(param, system, code)`,
      [LOINC, CATEGORY],
    );
    await tx.query(
      `insert into idx_reference (rid, resource_type, param, target_type, target_id, target_url)
       select rid, 'Observation', r.param, 'Patient', patient, null from bulk_orid, lateral (values ('patient'), ('subject')) r(param)`,
    );
    await tx.query(
      `insert into idx_date (rid, resource_type, param, low, high)
       select rid, 'Observation', d.param, d.low, d.high from bulk_orid,
       lateral (values ('date', eff, eff + interval '1 second')) d(param, low, high)`,
    );
    await tx.query(
      `insert into idx_quantity (rid, resource_type, param, value, system, code, unit, canon_value, canon_code)
       select rid, 'Observation', q.param, value, $1::text, unit, unit, canon_value, canon_code from bulk_orid,
       lateral (values ('combo-value-quantity'), ('value-quantity')) q(param)`,
      [UCUM],
    );
    await tx.query(
      `insert into idx_composite (rid, resource_type, param, a_system, a_code, b_system, b_code, b_value, b_canon_value, b_canon_code, b_low, b_high, c_value)
       select rid, 'Observation', c.param, $1::text, code, $2::text, unit, value, canon_value, canon_code, null, null, null from bulk_orid,
       lateral (values ('code-value-quantity'), ('combo-code-value-quantity')) c(param)`,
      [LOINC, UCUM],
    );
  });
  // Organizations are referenced but not loaded: chains to them simply find nothing.
  for (const table of ['resource', 'idx_token', 'idx_string', 'idx_reference', 'idx_date', 'idx_quantity', 'idx_composite']) {
    await db.query(`analyze ${table}`);
  }
}

/** The index rows stored for a resource, as comparable strings (numbers normalised). */
export async function storedRows(db: Db, type: string, id: string): Promise<string[]> {
  const num = (col: string) => `trim_scale(${col})::text`;
  const rows = await db.query<{ row: string }>(
    `with r as (select rid from resource where resource_type = $1 and id = $2)
     select 'token|' || param || '|' || coalesce(system, '') || '|' || coalesce(code, '') || '|' || coalesce(text_value, '') as row from idx_token where rid = (select rid from r)
     union all select 'string|' || param || '|' || norm || '|' || value from idx_string where rid = (select rid from r)
     union all select 'reference|' || param || '|' || coalesce(target_type, '') || '|' || coalesce(target_id, '') || '|' || coalesce(target_url, '') from idx_reference where rid = (select rid from r)
     union all select 'date|' || param || '|' || ${instant('low')} || '|' || ${instant('high')} from idx_date where rid = (select rid from r)
     union all select 'quantity|' || param || '|' || ${num('value')} || '|' || coalesce(system, '') || '|' || coalesce(code, '') || '|' || coalesce(unit, '') || '|' || coalesce(${num('canon_value')}, '') || '|' || coalesce(canon_code, '') from idx_quantity where rid = (select rid from r)
     union all select 'composite|' || param || '|' || coalesce(a_system, '') || '|' || coalesce(a_code, '') || '|' || coalesce(b_system, '') || '|' || coalesce(b_code, '') || '|' || coalesce(${num('b_value')}, '') || '|' || coalesce(${num('b_canon_value')}, '') || '|' || coalesce(b_canon_code, '') from idx_composite where rid = (select rid from r)
     union all select 'compartments|' || array_to_string(compartments, ',') from resource where rid = (select rid from r)`,
    [type, id],
  );
  return rows.map((r) => r.row).sort();
}

/** The same strings for what the extractor computes from a resource. */
export function extractedRows(entries: IndexEntries): string[] {
  // The extractor writes decimals without trailing zeros, as trim_scale shows them.
  const num = (s: string | null) => s ?? '';
  const z = (s: string | null) => s ?? '';
  return [
    ...entries.token.map((t) => `token|${t.param}|${z(t.system)}|${z(t.code)}|${z(t.text)}`),
    ...entries.string.map((s) => `string|${s.param}|${s.norm}|${s.value}`),
    ...entries.reference.map((r) => `reference|${r.param}|${z(r.targetType)}|${z(r.targetId)}|${z(r.url)}`),
    ...entries.date.map((d) => `date|${d.param}|${z(d.low)}|${z(d.high)}`),
    ...entries.quantity.map((q) => `quantity|${q.param}|${num(q.value)}|${z(q.system)}|${z(q.code)}|${z(q.unit)}|${num(q.canonValue)}|${z(q.canonCode)}`),
    ...entries.composite.map((c) => `composite|${c.param}|${z(c.aSystem)}|${z(c.aCode)}|${z(c.bSystem)}|${z(c.bCode)}|${num(c.bValue)}|${num(c.bCanonValue)}|${z(c.bCanonCode)}`),
    ...(entries.number.length || entries.uri.length ? ['unexpected number/uri rows'] : []),
    `compartments|${entries.compartments.join(',')}`,
  ].sort();
}

export type Extractor = (resource: Resource) => IndexEntries;
