/**
 * @module domain/listing/service
 * Listing at a primary-care unit (docs/listing.md, DOMAIN.md section 4): `list` (the citizen, a
 * guardian for a child under 13, staff with a reason, or a system client), `endListing`, and the
 * other region's `confirm` of an out-of-county listing. A listing is an EpisodeOfCare of type
 * listning: `active` when listed, `waitlist` in a full unit's queue, `planned` while another region
 * has not yet confirmed, `finished` when it ended, `cancelled` when a queue place or request lapsed.
 *
 * Every change is one transaction under one advisory lock for all listing (`listing`). A change can
 * free a place that goes to the first in that unit's queue, whose own old listing then ends and frees
 * a place elsewhere, and so on along a chain of units that is not known in advance; one lock taken
 * first makes such chains safe from deadlock and makes counting against a cap a serial decision.
 * Listing changes are rare (a person may change twice a year), so the lock is not a bottleneck.
 */
import type { CommunicationRequest, EpisodeOfCare, Patient, RelatedPerson } from '@medplum/fhirtypes';
import { isProtectedIdentity } from '../../auth/labels.js';
import { GUARDIAN_RELATIONSHIPS } from '../../auth/proxy-access.js';
import { errors, FhirError, type Issue } from '../../fhir/error.js';
import { PERSONNUMMER_SYSTEM } from '../../fhir/identifiers/personnummer.js';
import { stockholmDate } from '../calendar/working-days.js';
import type { DomainContext } from '../context.js';
import { asServer, type ServerRepository } from '../repository.js';
import { LISTING_NOTICE_SYSTEM, LISTING_REASON, LISTING_SOFTWARE, LISTING_TYPE, type ListingNotice } from './codes.js';
import { countListed, doctorFacts, idOf, listingsAt, listingsOf, listingUnits, regionClient, unitFacts, type DoctorFacts, type UnitFacts } from './facts.js';
import { changeDates, distanceKm, hasRoom, homeAddress, isFolkbokford, isNewborn, isOutOfCounty, mayChange, newbornUnit, queueOrder } from './rules.js';

export interface ListInput {
  /** `Patient/x`. */
  patient: string;
  /** `Organization/x`; may be left out for a newborn (then the mother's unit). */
  unit?: string;
  /** `PractitionerRole/x` or `Practitioner/x`: the fast läkarkontakt. */
  practitioner?: string;
  /** Staff's special reason (särskilda skäl) for a listing outside the rules. */
  reason?: string;
  /** Join the unit's waiting list when it is full. */
  queue?: boolean;
}

export type ListOutcome = 'listed' | 'unchanged' | 'queued' | 'planned';
export interface ListResult {
  outcome: ListOutcome;
  listing: EpisodeOfCare;
}

const LOCK = 'listing';
const ORIGINAL = new Set(['active', 'finished']);
const swedishDateOf = (start: string) => stockholmDate(new Date(start));

export async function list(ctx: DomainContext, input: ListInput, now = new Date()): Promise<ListResult> {
  mayActFor(ctx, input.patient);
  const staffReason = ctx.principal.kind !== 'citizen' ? input.reason : undefined;
  if (ctx.principal.kind === 'staff' && !input.reason) throw errors.businessRule('Staff list a patient only with a special reason (särskilda skäl); give it in `reason`', ['reason']);
  const server = lookups(ctx);
  const patient = await server.lookup<Patient>('Patient', idOf(input.patient));
  if (!patient) throw errors.notFound(`${input.patient} is not known`);
  const today = stockholmDate(now);
  const newborn = isNewborn(patient.birthDate, today);
  const familyUnit = newborn ? await mothersUnit(server, patient) : undefined;
  const unitRef = input.unit ?? familyUnit;
  // A newborn listed with the family goes in whatever the cap (Region Halland's practice).
  const withFamily = familyUnit !== undefined && unitRef === familyUnit;
  if (!unitRef) throw errors.badRequest(newborn ? 'No guardian of the newborn is listed anywhere; name the `unit`' : 'Parameter unit is required: the vårdcentral to list at', ['unit']);
  const unit = await unitFacts(server, unitRef);
  if (ctx.access.kind === 'staff' && !ctx.access.units.includes(idOf(unit.ref))) throw errors.forbidden(`${unit.ref} is not one of your units; staff list patients at their own units`);
  if (!unit.open) throw errors.businessRule(`${unit.name} does not take listings`, ['unit']);
  const doctor = input.practitioner ? await doctorFacts(server, input.practitioner, unit) : undefined;
  if (!staffReason && !isFolkbokford(patient.address ?? [], isProtectedIdentity(patient), today)) {
    throw errors.businessRule('Only a person folkbokförd in Sweden (with a Swedish home address) can list online; staff can list others with a special reason', ['patient']);
  }
  const outOfCounty = isOutOfCounty(homeAddress(patient.address ?? [], today)?.district, unit.county, undefined);

  return ctx.repo.transaction(async (repo) => {
    const store = repo.asServer({ onBehalfOf: ctx.principal, software: LISTING_SOFTWARE });
    await store.lock(LOCK);
    const mine = await listingsOf(store, input.patient);
    const current = mine.find((l) => l.status === 'active');
    if (current?.managingOrganization?.reference === unit.ref) return sameUnit(store, current, doctor);
    const isChange = mine.some((l) => ORIGINAL.has(l.status));
    if (isChange && !staffReason && !withFamily) checkChanges(mine, today);
    if (outOfCounty) return requestOutOfCounty(store, input.patient, unit, doctor, mine, staffReason, now);
    if (!withFamily) {
      const queued = await checkRoom(store, unit, doctor, input, mine, now);
      if (queued) return { outcome: 'queued', listing: queued };
    }
    const listing = await startListing(store, input.patient, unit, doctor, staffReason, now);
    await moveFrom(store, mine, listing, now);
    return { outcome: 'listed', listing };
  });
}

/** Ends a listing or leaves a queue; a place freed at a capped unit goes to the first in its queue. */
export async function endListing(ctx: DomainContext, id: string, now = new Date()): Promise<EpisodeOfCare> {
  const seen = await lookups(ctx).lookup<EpisodeOfCare>('EpisodeOfCare', id);
  if (!seen || !isListing(seen)) throw errors.notFound(`EpisodeOfCare/${id} is not a known listing`);
  const patient = seen.patient.reference!;
  mayActFor(ctx, patient);
  if (ctx.access.kind === 'staff' && !ctx.access.units.includes(idOf(seen.managingOrganization?.reference ?? ''))) {
    throw errors.forbidden('Staff end listings at their own units only');
  }
  return ctx.repo.transaction(async (repo) => {
    const store = repo.asServer({ onBehalfOf: ctx.principal, software: LISTING_SOFTWARE });
    await store.lock(LOCK);
    const listing = await store.lookup<EpisodeOfCare>('EpisodeOfCare', id);
    if (!listing || !['active', 'waitlist', 'planned'].includes(listing.status)) throw errors.conflict(`EpisodeOfCare/${id} is ${listing?.status ?? 'gone'}; only an active, queued or planned listing can be ended`);
    const ended = await close(store, listing, listing.status === 'active' ? 'finished' : 'cancelled', now);
    if (listing.status === 'active') await handOff(store, listing.managingOrganization!.reference!, now, new Set([patient]));
    return ended;
  });
}

export type Decision = 'confirmed' | 'rejected';

/** The other region confirms or rejects an out-of-county listing (a system client of that region). */
export async function confirm(ctx: DomainContext, id: string, decision: Decision, reason: string | undefined, now = new Date()): Promise<EpisodeOfCare> {
  const server = lookups(ctx);
  const seen = await server.lookup<EpisodeOfCare>('EpisodeOfCare', id);
  if (!seen || !isListing(seen)) throw errors.notFound(`EpisodeOfCare/${id} is not a known listing`);
  const unit = await unitFacts(server, seen.managingOrganization!.reference!);
  const client = regionClient(unit.region);
  const mayDecide = ctx.principal.kind === 'system' && (ctx.principal.clientId === client || ctx.principal.clientId === 'lots-auth-off');
  if (!mayDecide) throw errors.forbidden(`Only a system client of ${unit.region?.name ?? 'the unit’s region'} confirms or rejects its listings`);
  return ctx.repo.transaction(async (repo) => {
    const store = repo.asServer({ onBehalfOf: ctx.principal, software: LISTING_SOFTWARE });
    await store.lock(LOCK);
    const listing = await store.lookup<EpisodeOfCare>('EpisodeOfCare', id);
    if (!listing || listing.status !== 'planned') throw errors.conflict(`EpisodeOfCare/${id} is ${listing?.status ?? 'gone'}; only a planned out-of-county listing can be confirmed or rejected`);
    const patient = listing.patient.reference!;
    if (decision === 'rejected') {
      const rejected = await close(store, listing, 'cancelled', now);
      await notice(store, 'listing-rejected', patient, patient, rejected, `${unit.name} kunde inte ta emot din listning${reason ? `: ${reason}` : ''}. Du är kvar där du var listad.`, now);
      return rejected;
    }
    const active = await update(store, { ...listing, status: 'active', period: { start: now.toISOString() }, statusHistory: [...(listing.statusHistory ?? []), { status: 'planned', period: { start: listing.period?.start ?? now.toISOString(), end: now.toISOString() } }] });
    await moveFrom(store, (await listingsOf(store, patient)).filter((l) => l.id !== id), active, now);
    await notice(store, 'listing-confirmed', patient, patient, active, `Du är nu listad på ${unit.name}.`, now);
    return active;
  });
}

// ---- who may act --------------------------------------------------------------------------------

/** Citizens list themselves and children under 13 they are guardian of; staff and systems anyone. */
function mayActFor(ctx: DomainContext, patient: string): void {
  if (ctx.access.kind !== 'citizen' || ctx.access.patients.includes(patient)) return;
  throw errors.forbidden(`You may list yourself, or a child under 13 you are guardian of, but not ${patient}`);
}

const lookups = (ctx: DomainContext): ServerRepository => asServer(ctx, LISTING_SOFTWARE).repo;

const isListing = (e: EpisodeOfCare) => (e.type ?? []).some((t) => (t.coding ?? []).some((c) => c.system === LISTING_TYPE.system && c.code === LISTING_TYPE.code));

// ---- the rules, under the lock -----------------------------------------------------------------

function checkChanges(mine: readonly EpisodeOfCare[], today: string): void {
  const decision = mayChange(pastChanges(mine), today);
  if (!decision.allowed) {
    throw errors.businessRule(
      `You have changed vårdcentral ${decision.changes.length} times in the last 12 months (${decision.changes.join(', ')}); at most 2 changes are allowed. You can change again from ${decision.from}, or staff can list you sooner for special reasons.`,
      ['unit'],
    );
  }
}

/** The changes of unit the person has made (the one being made is allowed when fewer than two are in the window). */
function pastChanges(mine: readonly EpisodeOfCare[]): string[] {
  return changeDates(mine.filter((l) => ORIGINAL.has(l.status) && l.period?.start).map((l) => ({ start: l.period!.start! })), swedishDateOf);
}

/** 409 at a full unit or doctor (with the alternatives); the place in the unit's queue when asked for; else undefined. */
async function checkRoom(store: ServerRepository, unit: UnitFacts, doctor: DoctorFacts | undefined, input: ListInput, mine: readonly EpisodeOfCare[], now: Date): Promise<EpisodeOfCare | undefined> {
  if (!hasRoom(await countListed(store, unit.ref), unit.cap)) {
    if (input.queue) return joinQueue(store, input.patient, unit, doctor, mine, now);
    throw new FhirError(409, [
      { code: 'conflict', diagnostics: `${unit.name} has reached its listing cap (${unit.cap}). Join its waiting list with queue=true, or choose a unit with room.` },
      ...(await alternatives(store, unit)),
    ]);
  }
  if (doctor && !hasRoom(await countListed(store, unit.ref, doctor.practitioner), doctor.cap)) {
    throw errors.conflict(`${doctor.role.practitioner?.display ?? doctor.practitioner} has reached their cap as fast läkarkontakt (${doctor.cap}); list without a doctor or choose another at ${unit.name}`);
  }
  return undefined;
}

/** The nearest units with room (at most three), from the catalogue, as informational issues. */
async function alternatives(store: ServerRepository, full: UnitFacts): Promise<Issue[]> {
  const out: { unit: UnitFacts; km?: number }[] = [];
  for (const ref of await listingUnits(store)) {
    if (ref === full.ref) continue;
    const unit = await unitFacts(store, ref);
    if (!unit.open || !hasRoom(await countListed(store, ref), unit.cap)) continue;
    out.push({ unit, ...(unit.position && full.position ? { km: distanceKm(full.position, unit.position) } : {}) });
  }
  out.sort((a, b) => (a.km ?? Infinity) - (b.km ?? Infinity));
  return out.slice(0, 3).map(({ unit, km }) => ({
    severity: 'information',
    code: 'informational',
    diagnostics: `${unit.name} (${unit.ref}) has room${km !== undefined ? `, ${km.toFixed(1)} km away` : ''}`,
  }));
}

// ---- writes --------------------------------------------------------------------------------------

async function sameUnit(store: ServerRepository, current: EpisodeOfCare, doctor: DoctorFacts | undefined): Promise<ListResult> {
  if (!doctor || current.careManager?.reference === doctor.practitioner) return { outcome: 'unchanged', listing: current };
  if (!hasRoom(await countListed(store, current.managingOrganization!.reference!, doctor.practitioner), doctor.cap)) {
    throw errors.conflict(`${doctor.practitioner} has reached their cap as fast läkarkontakt (${doctor.cap}); choose another doctor`);
  }
  return { outcome: 'listed', listing: await update(store, { ...current, careManager: { reference: doctor.practitioner } }) };
}

function newListing(patient: string, unit: UnitFacts, doctor: DoctorFacts | undefined, status: EpisodeOfCare['status'], reason: string | undefined, now: Date): EpisodeOfCare {
  return {
    resourceType: 'EpisodeOfCare',
    ...(reason ? { extension: [{ url: LISTING_REASON, valueString: reason }] } : {}),
    status,
    type: [{ coding: [LISTING_TYPE] }],
    patient: { reference: patient },
    managingOrganization: { reference: unit.ref, display: unit.name },
    period: { start: now.toISOString() },
    ...(doctor ? { careManager: { reference: doctor.practitioner } } : {}),
  };
}

async function startListing(store: ServerRepository, patient: string, unit: UnitFacts, doctor: DoctorFacts | undefined, reason: string | undefined, now: Date): Promise<EpisodeOfCare> {
  return create(store, newListing(patient, unit, doctor, 'active', reason, now));
}

async function joinQueue(store: ServerRepository, patient: string, unit: UnitFacts, doctor: DoctorFacts | undefined, mine: readonly EpisodeOfCare[], now: Date): Promise<EpisodeOfCare> {
  const already = mine.find((l) => l.status === 'waitlist' && l.managingOrganization?.reference === unit.ref);
  return already ?? create(store, newListing(patient, unit, doctor, 'waitlist', undefined, now));
}

async function requestOutOfCounty(store: ServerRepository, patient: string, unit: UnitFacts, doctor: DoctorFacts | undefined, mine: readonly EpisodeOfCare[], reason: string | undefined, now: Date): Promise<ListResult> {
  const pending = mine.find((l) => l.status === 'planned' && l.managingOrganization?.reference === unit.ref);
  if (pending) return { outcome: 'planned', listing: pending };
  const listing = await create(store, newListing(patient, unit, doctor, 'planned', reason, now));
  const to = unit.region ? `Organization/${unit.region.id}` : unit.ref;
  await notice(store, 'listing-request', patient, to, listing, `Begäran om utomlänslistning på ${unit.name}. Bekräfta eller avböj med $confirm-listing.`, now);
  return { outcome: 'planned', listing };
}

/**
 * The person is now listed at `listing`'s unit: the old listing ends (its unit is told), other queue
 * places and pending requests lapse, and the old unit's freed place goes to its queue.
 */
async function moveFrom(store: ServerRepository, mine: readonly EpisodeOfCare[], listing: EpisodeOfCare, now: Date, chain = new Set<string>()): Promise<void> {
  const patient = listing.patient.reference!;
  chain.add(patient);
  for (const other of mine) {
    if (other.id === listing.id) continue;
    if (other.status === 'waitlist' || other.status === 'planned') await close(store, other, 'cancelled', now);
  }
  const old = mine.find((l) => l.status === 'active' && l.id !== listing.id);
  if (!old) return;
  await close(store, old, 'finished', now);
  const oldUnit = old.managingOrganization!.reference!;
  await notice(store, 'listed-elsewhere', patient, oldUnit, old, `Patienten har listat sig på ${listing.managingOrganization?.display ?? 'annan enhet'} och är inte längre listad här.`, now);
  await handOff(store, oldUnit, now, chain);
}

/**
 * While the unit has room, the first in its queue is listed there (skipping anyone for whom it would be
 * a third change in 12 months: they keep their place). Their own old listing ends, which may free a
 * place further along; `chain` stops a person being moved twice in one transaction.
 */
async function handOff(store: ServerRepository, unitRef: string, now: Date, chain: Set<string>): Promise<void> {
  const unit = await unitFacts(store, unitRef);
  const today = stockholmDate(now);
  const queue = queueOrder((await listingsAt(store, unitRef, 'waitlist')).map((l) => ({ ...l, id: l.id!, since: l.period?.start ?? '' })));
  for (const place of queue) {
    if (!hasRoom(await countListed(store, unitRef), unit.cap)) return;
    const patient = place.patient.reference!;
    if (chain.has(patient)) continue;
    const mine = await listingsOf(store, patient);
    if (mine.some((l) => ORIGINAL.has(l.status)) && !mayChange(pastChanges(mine), today).allowed) continue;
    const { id: _id, since: _since, ...episode } = place;
    const listed = await update(store, { ...episode, id: place.id, status: 'active', period: { start: now.toISOString() }, statusHistory: [...(place.statusHistory ?? []), { status: 'waitlist', period: { start: place.since, end: now.toISOString() } }] });
    await notice(store, 'queue-place', patient, patient, listed, `Du har fått plats i kön och är nu listad på ${unit.name}.`, now);
    await moveFrom(store, mine, listed, now, chain);
  }
}

async function close(store: ServerRepository, listing: EpisodeOfCare, status: 'finished' | 'cancelled', now: Date): Promise<EpisodeOfCare> {
  return update(store, {
    ...listing,
    status,
    period: { ...listing.period, end: now.toISOString() },
    statusHistory: [...(listing.statusHistory ?? []), { status: listing.status, period: { ...(listing.period?.start ? { start: listing.period.start } : {}), end: now.toISOString() } }],
  });
}

async function notice(store: ServerRepository, kind: ListingNotice, patient: string, recipient: string, about: EpisodeOfCare, text: string, now: Date): Promise<void> {
  const request: CommunicationRequest = {
    resourceType: 'CommunicationRequest',
    status: 'active',
    category: [{ coding: [{ system: LISTING_NOTICE_SYSTEM, code: kind }] }],
    subject: { reference: patient },
    about: [{ reference: `EpisodeOfCare/${about.id}` }],
    authoredOn: now.toISOString(),
    recipient: [{ reference: recipient }],
    ...(about.managingOrganization ? { sender: about.managingOrganization } : {}),
    payload: [{ contentString: text }],
  };
  await store.create(request);
}

async function create(store: ServerRepository, e: EpisodeOfCare): Promise<EpisodeOfCare> {
  return JSON.parse((await store.create(e)).json!) as EpisodeOfCare;
}

async function update(store: ServerRepository, e: EpisodeOfCare): Promise<EpisodeOfCare> {
  const { version } = await store.update(e, { ifMatch: Number(e.meta?.versionId) });
  return JSON.parse(version.json!) as EpisodeOfCare;
}

// ---- newborns ------------------------------------------------------------------------------------

/** The unit where the newborn's mother (else another guardian) is listed (DOMAIN.md section 4). */
async function mothersUnit(server: ServerRepository, child: Patient): Promise<string | undefined> {
  const relations = await server.find<RelatedPerson>('RelatedPerson', [['patient', `Patient/${child.id}`]], 20);
  const guardians = [];
  for (const r of relations) {
    const relationship = (r.relationship ?? []).flatMap((cc) => cc.coding ?? []).map((c) => c.code ?? '').find((c) => (GUARDIAN_RELATIONSHIPS as readonly string[]).includes(c));
    const pnr = r.identifier?.find((i) => i.system === PERSONNUMMER_SYSTEM)?.value;
    if (!relationship || !pnr || r.active === false) continue;
    const [person] = await server.find<Patient>('Patient', [['identifier', `${PERSONNUMMER_SYSTEM}|${pnr}`]], 1);
    const listing = person ? (await listingsOf(server, `Patient/${person.id}`)).find((l) => l.status === 'active') : undefined;
    guardians.push({ relationship, ...(listing?.managingOrganization?.reference ? { unit: listing.managingOrganization.reference } : {}) });
  }
  return newbornUnit(guardians);
}
