/**
 * @module store/login-stats
 * The SQL behind `$login-stats` (domain/citizen/login-stats.ts): citizens' logins per month (Swedish
 * time), age band at the login and sex, counted by Postgres from the login AuditEvents (DICOM 110114
 * User Authentication with a Patient entity, auth/audit.ts) joined to the Patient; and how many citizens
 * (Patients with a personnummer) share their contact details (an active permit Consent in the
 * kontaktuppgifter category). Aggregates only: no row of patient data leaves the database.
 */
import type { Queryable } from './db/db.js';
import { Binder } from './search/binder.js';
import type { LoginCell, LoginStatsQuery, SharingCount } from './store.js';

const DCM = 'http://dicom.nema.org/resources/ontology/DCM';
const PERSONNUMMER = 'http://electronichealth.se/identifier/personnummer';
const CONSENT_CATEGORY = 'https://lots.example/fhir/CodeSystem/consent-category';

/** `case` mapping an age to its band label. */
function bandCase(b: Binder, bands: readonly number[]): string {
  const arms = bands.map((lo, i) => {
    const hi = bands[i + 1];
    const label = hi === undefined ? `${lo}+` : `${lo}-${hi - 1}`;
    return `when age >= ${b.bind(lo, 'int')}${hi === undefined ? '' : ` and age < ${b.bind(hi, 'int')}`} then ${b.bind(label)}`;
  });
  return `case ${arms.join(' ')} else 'unknown' end`;
}

export async function loginCells(db: Queryable, q: LoginStatsQuery): Promise<LoginCell[]> {
  const b = new Binder();
  const start = `(${b.bind(`${q.from}-01`)}::timestamp at time zone 'Europe/Stockholm')`;
  const end = `((${b.bind(`${q.to}-01`)}::timestamp + interval '1 month') at time zone 'Europe/Stockholm')`;
  const text = `with logins as (
      select (d.low at time zone 'Europe/Stockholm') as at, p.content::jsonb as patient
      from idx_token t
      join resource e on e.rid = t.rid and not e.deleted
      join idx_date d on d.rid = t.rid and d.resource_type = 'AuditEvent' and d.param = 'date'
      join idx_reference pr on pr.rid = t.rid and pr.resource_type = 'AuditEvent' and pr.param = 'patient' and pr.target_type = 'Patient'
      join resource p on p.resource_type = 'Patient' and p.id = pr.target_id and not p.deleted
      where t.resource_type = 'AuditEvent' and t.param = 'type' and t.system = ${b.bind(DCM)} and t.code = '110114'
        and d.low >= ${start} and d.low < ${end}
    ), aged as (
      select to_char(at, 'YYYY-MM') as month,
        case when patient->>'birthDate' ~ '^\\d{4}-\\d{2}-\\d{2}$' then date_part('year', age(at::date, (patient->>'birthDate')::date))::int end as age,
        coalesce(patient->>'gender', 'unknown') as sex
      from logins
    )
    select month, ${bandCase(b, q.bands)} as band, sex, count(*)::int as count from aged group by 1, 2, 3 order by 1, 2, 3`;
  return db.query<LoginCell>(text, b.values);
}

export async function sharingCount(db: Queryable): Promise<SharingCount> {
  const b = new Binder();
  const text = `select count(*)::int as citizens, count(*) filter (where exists (
        select 1 from idx_reference cp
        join resource c on c.rid = cp.rid and not c.deleted
        join idx_token ct on ct.rid = cp.rid and ct.param = 'category' and ct.system = ${b.bind(CONSENT_CATEGORY)} and ct.code = 'kontaktuppgifter'
        where cp.resource_type = 'Consent' and cp.param = 'patient' and cp.target_type = 'Patient' and cp.target_id = p.id
          and c.content::jsonb->>'status' = 'active' and c.content::jsonb#>>'{provision,type}' = 'permit'
      ))::int as sharing
    from resource p
    where p.resource_type = 'Patient' and not p.deleted
      and exists (select 1 from idx_token i where i.rid = p.rid and i.param = 'identifier' and i.system = ${b.bind(PERSONNUMMER)})`;
  const [row] = await db.query<SharingCount>(text, b.values);
  return row ?? { citizens: 0, sharing: 0 };
}
