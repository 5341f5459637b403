/**
 * @module domain/advice/refer-service
 * `HealthcareService/$refer-to`: the units that take the level of care, ranked for the nurse (pure
 * rules in ./refer.ts). The catalogue is read through the caller's door (it holds no patient data);
 * the citizen's listed unit is looked up with the server's rights after the caller is checked.
 */
import type { HealthcareService, Location } from '@medplum/fhirtypes';
import type { DomainContext } from '../context.js';
import { searchResources } from '../repository.js';
import type { Level } from '../triage/codes.js';
import { listedUnit } from '../triage/lookup.js';
import { distanceKm, openAt, rank, SERVICE_TYPE_SYSTEM, SERVICE_TYPES, type Candidate } from './refer.js';
import { requireNurse } from './service.js';

export interface ReferQuery {
  level: Level;
  near?: { lat: number; lon: number };
  patient?: string;
  at: Date;
}

export interface Referral extends Candidate {
  location?: string;
}

export async function referTo(ctx: DomainContext, q: ReferQuery): Promise<Referral[]> {
  requireNurse(ctx);
  const types = SERVICE_TYPES[q.level].map((t) => `${SERVICE_TYPE_SYSTEM}|${t}`).join(',');
  const services = await searchResources<HealthcareService>(ctx, 'HealthcareService', [['active', 'true'], ['service-type', types]], 200);
  const locationIds = [...new Set(services.flatMap((s) => (s.location ?? []).map((l) => l.reference?.replace(/^Location\//, '')).filter((id): id is string => !!id)))];
  const locations = locationIds.length ? await searchResources<Location>(ctx, 'Location', [['_id', locationIds.join(',')]], 200) : [];
  const byRef = new Map(locations.map((l) => [`Location/${l.id}`, l]));
  const listed = q.patient ? await listedUnit(ctx, q.patient) : undefined;
  const candidates: Referral[] = services.map((service) => {
    const locRef = service.location?.[0]?.reference;
    const pos = locRef ? byRef.get(locRef)?.position : undefined;
    const c: Referral = { service, open: false, listed: !!listed && service.providedBy?.reference === listed };
    if (locRef) c.location = locRef;
    if (q.near && pos) c.distance = Math.round(distanceKm(q.near, { lat: pos.latitude, lon: pos.longitude }) * 10) / 10;
    return c;
  });
  for (const c of candidates) c.open = openAt(c.service, q.at);
  return rank(candidates) as Referral[];
}
