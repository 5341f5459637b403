/**
 * Booking over HTTP: slot generation, $find, $book, $cancel, $reschedule, my bookings and the clinic's
 * day list, with the region's rules (online visit types, the 24-hour rule, guardians, staff units).
 * Slots are generated for the weeks ahead of the real clock, so the suite runs on any day.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { swedishHolidays } from '../../src/domain/calendar/swedish-holidays.js';
import { addDays, isWorkingDay, startOfStockholmDay } from '../../src/domain/calendar/working-days.js';
import { findFreeSlots } from '../../src/domain/booking/find.js';
import { stockholmWallClock, swedishDateAndTime } from '../../src/domain/booking/time.js';
import type { TestApp } from '../support/test-app.js';
import {
  book,
  bookingApp,
  expectStatus,
  find,
  MEETING_LINK,
  parameters,
  PNR,
  ref,
  SETTINGS,
  slotAt,
  today,
  VISIT,
  visitOf,
  weekTemplate,
  workingDayFrom,
  type Slot,
} from './booking-fixtures.js';

let t: TestApp;
const token: Record<string, string> = {};
/** Three weeks of slots, from the working day at least two days ahead. */
const FROM = workingDayFrom(2);
const TO = addDays(FROM, 20);
const CENTRUM = `unit=Organization/vc-centrum&start=${FROM}&end=${TO}`;
/** The schedule given three weeks of slots, per unit. */
const GENERATED: Record<string, string> = { 'vc-centrum': 'anna-lind-vc-centrum', 'vc-teleborg': 'karin-holm-vc-teleborg' };

beforeAll(async () => {
  t = await bookingApp();
  token.sven = await t.citizenToken(PNR.sven);
  token.lisa = await t.citizenToken(PNR.lisa);
  token.tolvan = await t.citizenToken(PNR.tolvan);
  token.centrumAdmin = await t.staffToken('SE2321000065-ADM1', ['vc-centrum'], ['administrator']);
  token.anna = await t.staffToken('SE2321000065-ANNA', ['vc-centrum'], ['nurse', 'arendehanterare']);
  token.teleborg = await t.staffToken('SE2321000065-KARI', ['vc-teleborg'], ['administrator', 'arendehanterare']);
  for (const schedule of Object.values(GENERATED)) {
    expectStatus(await t.request('POST', `Schedule/${schedule}/$generate-slots`, { body: weekTemplate(FROM, TO) }), 200);
  }
}, 180_000);
afterAll(async () => {
  await t?.close();
});

/** The next weekday holiday (or eve) at least three days ahead. */
function nextWeekdayHoliday(): { date: string; name: string } {
  const from = today(3);
  const year = Number(from.slice(0, 4));
  const all = [...swedishHolidays(year), ...swedishHolidays(year + 1)];
  const h = all.find((x) => x.date >= from && !['sat', 'sun'].includes(weekday(x.date)));
  return { date: h!.date, name: h!.name };
}
const weekday = (date: string) => ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'][new Date(`${date}T12:00:00Z`).getUTCDay()]!;
const part = (p: any, name: string) => p.parameter.filter((x: any) => x.name === name);

describe('Schedule/$generate-slots', () => {
  const holiday = nextWeekdayHoliday();
  const first = addDays(holiday.date, -3);
  const last = addDays(holiday.date, 3);
  const nurseWeek = () =>
    parameters(
      { name: 'start', valueDate: first },
      { name: 'end', valueDate: last },
      { name: 'slotMinutes', valueInteger: 20 },
      { name: 'hours', part: [...['mon', 'tue', 'wed', 'thu', 'fri'].map((d) => ({ name: 'day', valueCode: d })), { name: 'from', valueTime: '08:00:00' }, { name: 'to', valueTime: '09:00:00' }] },
      { name: 'break', part: [{ name: 'from', valueTime: '08:20:00' }, { name: 'to', valueTime: '08:40:00' }] },
    );

  it(`makes the week's slots in one call, skipping the holiday (${holiday.name} ${holiday.date})`, async () => {
    const res = expectStatus(await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: nurseWeek(), token: token.centrumAdmin }), 200);
    const workingDays = Array.from({ length: 7 }, (_, i) => addDays(first, i)).filter(isWorkingDay);
    expect(part(res.body, 'created')[0].valueInteger).toBe(2 * workingDays.length);
    expect(part(res.body, 'holiday').map((h: any) => h.part[0].valueDate)).toContain(holiday.date);

    const onHoliday = await t.request('GET', `Slot?schedule=Schedule/erik-berg-vc-centrum&start=ge${holiday.date}&start=lt${addDays(holiday.date, 1)}`);
    expect(onHoliday.body.entry ?? []).toHaveLength(0);
    const day = workingDays[0]!;
    const onDay = await t.request('GET', `Slot?schedule=Schedule/erik-berg-vc-centrum&start=ge${day}&start=lt${addDays(day, 1)}&_sort=start`);
    const slots = onDay.body.entry.map((e: any) => e.resource);
    expect(slots.map((s: Slot) => stockholmWallClock(new Date(s.start)).time)).toEqual(['08:00', '08:40']);
    expect(slots[0].status).toBe('free');
    expect(slots[0].serviceType[0].coding[0].code).toBe('sjukskoterskebesok');
    expect(visitOf(slots[0])).toBe('physical');
  });

  it('adds nothing when run again over the same days', async () => {
    const res = expectStatus(await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: nurseWeek(), token: token.centrumAdmin }), 200);
    expect(part(res.body, 'created')[0].valueInteger).toBe(0);
    expect(part(res.body, 'skippedExisting')[0].valueInteger).toBeGreaterThan(0);
  });

  it("refuses citizens, staff of another unit and staff who are not administrators", async () => {
    for (const who of [token.sven, token.teleborg, token.anna]) {
      const res = await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: nurseWeek(), token: who });
      expect(res.status).toBe(403);
      expect(res.body.issue[0].code).toBe('forbidden');
    }
  });

  it('answers 400 naming the problem for a bad template or a missing parameter', async () => {
    const reversed = parameters(
      { name: 'start', valueDate: first },
      { name: 'end', valueDate: last },
      { name: 'slotMinutes', valueInteger: 20 },
      { name: 'hours', part: [{ name: 'day', valueCode: 'mon' }, { name: 'from', valueTime: '12:00:00' }, { name: 'to', valueTime: '08:00:00' }] },
    );
    const bad = await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: reversed, token: token.centrumAdmin });
    expect(bad.status).toBe(400);
    expect(bad.body.issue[0].diagnostics).toMatch(/"to" \(08:00\) must be after "from" \(12:00\)/);
    const missing = await t.request('POST', 'Schedule/erik-berg-vc-centrum/$generate-slots', { body: parameters({ name: 'start', valueDate: first }), token: token.centrumAdmin });
    expect(missing.status).toBe(400);
    expect(missing.body.issue.map((i: any) => i.expression?.[0])).toEqual(expect.arrayContaining(['end', 'slotMinutes', 'hours']));
  });
});

describe('Appointment/$find', () => {
  it("offers a citizen only the visit types the clinic opens online, earliest first, with the clinic's terms", async () => {
    const { slots, res } = await find(t, token.sven, CENTRUM);
    expect(slots.length).toBeGreaterThan(10);
    expect(new Set(slots.map(visitOf))).toEqual(new Set(['physical', 'video']));
    expect(slots.every((s) => s.status === 'free')).toBe(true);
    const starts = slots.map((s) => Date.parse(s.start));
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
    expect(starts[0]).toBeGreaterThanOrEqual(startOfStockholmDay(FROM).getTime());
    const settings = res.body.entry.find((e: any) => e.search.mode === 'include').resource;
    expect(settings.resourceType).toBe('HealthcareService');
    const video = settings.extension.find((e: any) => e.url === SETTINGS).extension.find((e: any) => e.url === 'visitType' && e.extension[0].valueCoding.code === 'video');
    expect(video.extension.find((e: any) => e.url === 'terms').valueMarkdown).toMatch(/kamera/);
  });

  it('offers staff every visit type, and filters by visit type and service type', async () => {
    const all = await find(t, token.anna, CENTRUM);
    expect(new Set(all.slots.map(visitOf))).toEqual(new Set(['physical', 'video', 'phone']));
    const phone = await find(t, token.anna, `${CENTRUM}&visit-type=phone`);
    expect(phone.slots.length).toBeGreaterThan(0);
    expect(phone.slots.every((s) => visitOf(s) === 'phone')).toBe(true);
    const doctor = await find(t, token.anna, `${CENTRUM}&service-type=https://lots.example/fhir/CodeSystem/service-type|lakarbesok&_count=5`);
    expect(doctor.slots).toHaveLength(5);
    const none = await find(t, token.anna, `${CENTRUM}&service-type=https://lots.example/fhir/CodeSystem/service-type|vaccination`);
    expect(none.slots).toHaveLength(0);
  });

  it('offers a citizen nothing for a visit type the clinic does not open online', async () => {
    const { slots } = await find(t, token.sven, `${CENTRUM}&visit-type=phone`);
    expect(slots).toHaveLength(0);
  });

  it('answers 400 for an unknown visit type, a missing unit or a reversed period', async () => {
    expect((await t.request('GET', `Appointment/$find?${CENTRUM}&visit-type=teleport`)).status).toBe(400);
    const missing = await t.request('GET', `Appointment/$find?start=${FROM}&end=${TO}`);
    expect(missing.status).toBe(400);
    expect(missing.body.issue[0].expression).toEqual(['unit']);
    expect((await t.request('GET', `Appointment/$find?unit=Organization/vc-centrum&start=${TO}&end=${FROM}`)).status).toBe(400);
  });

  it('is also findFreeSlots for other services (1177 direkt triage)', async () => {
    const slots = await findFreeSlots(t.deps.fhir, { unit: 'Organization/vc-teleborg', start: FROM, end: TO, visitType: 'video' });
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.every((s) => s.resourceType === 'Slot' && s.status === 'free' && visitOf(s as Slot) === 'video')).toBe(true);
  });

  it('leaves plain Slot search working', async () => {
    const res = expectStatus(await t.request('GET', `Slot?schedule=Schedule/anna-lind-vc-centrum&status=free&appointment-type=${VISIT}|phone&_count=3`, { token: token.sven }), 200);
    expect(res.body.entry).toHaveLength(3);
  });
});

/** Free slots at vc-centrum of a visit type, as staff see them; each test takes its own. */
async function freeSlots(visit: string, unit = 'vc-centrum'): Promise<Slot[]> {
  return (await find(t, undefined, `unit=Organization/${unit}&start=${FROM}&end=${TO}&visit-type=${visit}&_count=1000`)).slots;
}
let taken = 0;
async function aFreeSlot(visit = 'physical', unit = 'vc-centrum'): Promise<Slot> {
  // Only the schedules beforeAll fills: other tests add slots for other practitioners, and
  // whether those fall in the period depends on today's date.
  const schedule = `Schedule/${GENERATED[unit]}`;
  const slots = (await freeSlots(visit, unit)).filter((s) => s.schedule.reference === schedule);
  // Spread over the period, so tests do not race each other for the same slot.
  return slots[(taken++ * 7) % slots.length]!;
}

describe('Appointment/$book', () => {
  it('books a free slot for a citizen: the Appointment names the patient, practitioner role and clinic, and the slot is busy', async () => {
    const slot = await aFreeSlot();
    const res = expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg', 'Ont i knät sedan två veckor'), 201);
    expect(res.headers.get('location')).toMatch(new RegExp(`/fhir/Appointment/${res.body.id}/_history/1$`));
    expect(res.body.status).toBe('booked');
    expect(res.body.start).toBe(slot.start);
    expect(res.body.slot).toEqual([{ reference: `Slot/${slot.id}` }]);
    expect(res.body.comment).toBe('Ont i knät sedan två veckor');
    expect(res.body.participant.map((p: any) => p.actor.reference)).toEqual(['Patient/sven-oberg', 'PractitionerRole/anna-lind-vc-centrum', 'Location/loc-vc-centrum']);
    expect(res.body.participant[1].actor.display).toBe('Anna Lind');
    expect((await t.request('GET', `Slot/${slot.id}`)).body.status).toBe('busy');
    expect((await find(t, token.sven, CENTRUM)).slots.map((s) => s.id)).not.toContain(slot.id);
  });

  it('answers 409 to the second booking of a slot', async () => {
    const slot = await aFreeSlot();
    expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg'), 201);
    const second = await book(t, token.tolvan, slot.id, 'Patient/tolvan');
    expect(second.status).toBe(409);
    expect(second.body.issue[0].diagnostics).toMatch(/already taken/);
  });

  it('lets a guardian book for a child under 13, but not for a child of 14 or for someone else', async () => {
    const slot = await aFreeSlot();
    const olle = expectStatus(await book(t, token.lisa, slot.id, 'Patient/olle-andersson'), 201);
    expect(olle.body.participant[0].actor.reference).toBe('Patient/olle-andersson');
    const other = await aFreeSlot();
    for (const patient of ['Patient/maja-andersson', 'Patient/tolvan']) {
      const res = await book(t, token.lisa, other.id, patient);
      expect(res.status).toBe(403);
      expect(res.body.issue[0].diagnostics).toMatch(/child under 13/);
    }
    expect((await t.request('GET', `Slot/${other.id}`)).body.status).toBe('free');
  });

  it("refuses a citizen a visit type the clinic does not book online, but lets the clinic's staff book it", async () => {
    const slot = await aFreeSlot('phone');
    const citizen = await book(t, token.sven, slot.id, 'Patient/sven-oberg');
    expect(citizen.status).toBe(422);
    expect(citizen.body.issue[0].diagnostics).toMatch(/does not take online bookings for telefonsamtal/);
    expectStatus(await book(t, token.anna, slot.id, 'Patient/tolvan'), 201);
  });

  it("refuses staff a slot of another unit", async () => {
    const slot = await aFreeSlot();
    const res = await book(t, token.teleborg, slot.id, 'Patient/tolvan');
    expect(res.status).toBe(403);
    expect(res.body.issue[0].diagnostics).toMatch(/Organization\/vc-centrum, which is not one of your units/);
  });

  it('answers 400 for a Parameters without a slot, and 404 for an unknown slot', async () => {
    const res = await t.request('POST', 'Appointment/$book', { body: parameters(ref('patient', 'Patient/tolvan')) });
    expect(res.status).toBe(400);
    expect(res.body.issue[0].expression).toEqual(['slot']);
    expect((await book(t, undefined, 'no-such-slot', 'Patient/tolvan')).status).toBe(404);
  });

  it('gives a video visit a meeting link that both the patient and the clinic see', async () => {
    const slot = await aFreeSlot('video');
    const booked = expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg'), 201);
    const link = booked.body.extension.find((e: any) => e.url === MEETING_LINK).valueUrl as string;
    expect(link).toMatch(/^https:\/\/video\.lots\.example\/vc-centrum\/[A-Za-z0-9_-]{22}$/);
    const asPatient = expectStatus(await t.request('GET', `Appointment/${booked.body.id}`, { token: token.sven }), 200);
    const asStaff = expectStatus(await t.request('GET', `Appointment/${booked.body.id}`, { token: token.anna }), 200);
    for (const seen of [asPatient, asStaff]) expect(seen.body.extension.find((e: any) => e.url === MEETING_LINK).valueUrl).toBe(link);
    const other = expectStatus(await book(t, token.sven, (await aFreeSlot('video')).id, 'Patient/sven-oberg'), 201);
    expect(other.body.extension[0].valueUrl).not.toBe(link);
  });
});

describe('my bookings and the day list', () => {
  it("shows a guardian their child's coming bookings, and nobody else's", async () => {
    const slot = await aFreeSlot();
    const booked = expectStatus(await book(t, token.lisa, slot.id, 'Patient/olle-andersson'), 201);
    const mine = expectStatus(await t.request('GET', `Appointment?patient=Patient/olle-andersson&date=ge${today()}`, { token: token.lisa }), 200);
    expect(mine.body.entry.map((e: any) => e.resource.id)).toContain(booked.body.id);
    const others = expectStatus(await t.request('GET', `Appointment?patient=Patient/sven-oberg&date=ge${today()}`, { token: token.lisa }), 200);
    expect(others.body.entry ?? []).toHaveLength(0);
  });

  it("gives the clinic's staff the day list of a practitioner and of the whole clinic", async () => {
    const slot = await aFreeSlot();
    const booked = expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg'), 201);
    const day = stockholmWallClock(new Date(slot.start)).date;
    const byRole = expectStatus(await t.request('GET', `Appointment?actor=PractitionerRole/anna-lind-vc-centrum&date=${day}&_sort=date`, { token: token.anna }), 200);
    expect(byRole.body.entry.map((e: any) => e.resource.id)).toContain(booked.body.id);
    const byClinic = expectStatus(await t.request('GET', `Appointment?location:Location.organization=Organization/vc-centrum&date=${day}&status=booked&_include=Appointment:patient`, { token: token.anna }), 200);
    expect(byClinic.body.entry.filter((e: any) => e.search.mode === 'match').map((e: any) => e.resource.id)).toContain(booked.body.id);
    expect(byClinic.body.entry.some((e: any) => e.resource.resourceType === 'Patient' && e.resource.id === 'sven-oberg')).toBe(true);
    // Staff of another unit see only their own patients' bookings.
    const elsewhere = expectStatus(await t.request('GET', `Appointment?actor=PractitionerRole/anna-lind-vc-centrum&date=${day}`, { token: token.teleborg }), 200);
    expect((elsewhere.body.entry ?? []).map((e: any) => e.resource.id)).not.toContain(booked.body.id);
  });
});

describe('Appointment/$cancel', () => {
  it('lets a citizen cancel more than 24 hours ahead: the slot is free again, and a second cancel is a 409', async () => {
    const slot = await aFreeSlot();
    const booked = expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg'), 201);
    const res = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { body: parameters({ name: 'reason', valueString: 'Mår bättre' }), token: token.sven }), 200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.cancelationReason).toEqual({ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/appointment-cancellation-reason', code: 'pat' }], text: 'Mår bättre' });
    expect((await t.request('GET', `Slot/${slot.id}`)).body.status).toBe('free');
    const again = await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { token: token.sven });
    expect(again.status).toBe(409);
    expect(again.body.issue[0].diagnostics).toMatch(/is cancelled/);
  });

  it('applies the 24-hour rule at 24 h ± 1 minute on the real clock, telling the citizen to phone the clinic', async () => {
    const day = 24 * 3_600_000;
    const early = await slotAt(t, 'anna-lind-vc-centrum', new Date(Date.now() + day + 60_000));
    const late = await slotAt(t, 'anna-lind-vc-centrum', new Date(Date.now() + day - 60_000));
    const a = expectStatus(await book(t, token.sven, early, 'Patient/sven-oberg'), 201).body.id;
    const b = expectStatus(await book(t, token.sven, late, 'Patient/sven-oberg'), 201).body.id;

    expectStatus(await t.request('POST', `Appointment/${a}/$cancel`, { token: token.sven }), 200);
    const refused = await t.request('POST', `Appointment/${b}/$cancel`, { token: token.sven });
    expect(refused.status).toBe(422);
    expect(refused.body.resourceType).toBe('OperationOutcome');
    expect(refused.body.issue[0].code).toBe('business-rule');
    expect(refused.body.issue[0].diagnostics).toMatch(/less than 24 hours.*Phone Vårdcentralen Centrum, Växjö on 0470-58 70 00.*late cancellation may be charged/);
    const move = await t.request('POST', `Appointment/${b}/$reschedule`, { body: parameters(ref('slot', `Slot/${(await aFreeSlot()).id}`)), token: token.sven });
    expect(move.status).toBe(422);
    expect(move.body.issue[0].diagnostics).toMatch(/can no longer be rebooked online/);
    expect((await t.request('GET', `Appointment/${b}`)).body.status).toBe('booked');
    expect((await t.request('GET', `Slot/${late}`)).body.status).toBe('busy');
  });

  it('lets staff cancel at any time, and sends the citizen "Din tid är avbokad" with the date, time and resource', async () => {
    const late = await slotAt(t, 'anna-lind-vc-centrum', new Date(Date.now() + 2 * 3_600_000));
    const booked = expectStatus(await book(t, token.sven, late, 'Patient/sven-oberg'), 201);
    const res = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { body: parameters({ name: 'reason', valueString: 'Läkaren är sjuk' }), token: token.anna }), 200);
    expect(res.body.status).toBe('cancelled');
    expect(res.body.cancelationReason.coding[0].code).toBe('prov');
    expect((await t.request('GET', `Slot/${late}`)).body.status).toBe('free');

    const messages = expectStatus(await t.request('GET', 'Communication?subject=Patient/sven-oberg&_sort=-sent', { token: token.sven }), 200);
    const text: string = messages.body.entry[0].resource.payload[0].contentString;
    const { date, time } = swedishDateAndTime(new Date(booked.body.start));
    expect(date).toMatch(/^(måndag|tisdag|onsdag|torsdag|fredag|lördag|söndag) \d{1,2} [a-zé]+ \d{4}$/);
    expect(text.startsWith(`Din tid ${date} kl. ${time} hos Anna Lind är avbokad.`)).toBe(true);
    expect(text).toContain('Vårdcentralen Centrum, Växjö');
  });

  it("refuses staff of another unit, and a citizen someone else's booking", async () => {
    const slot = await aFreeSlot();
    const booked = expectStatus(await book(t, token.sven, slot.id, 'Patient/sven-oberg'), 201);
    expect((await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { token: token.teleborg })).status).toBe(404);
    expect((await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { token: token.tolvan })).status).toBe(404);
    expect((await t.request('GET', `Appointment/${booked.body.id}`)).body.status).toBe('booked');
  });
});

describe('Appointment/$reschedule', () => {
  it('moves a booking to a new slot: the new slot is taken, the old one freed, the Appointment keeps its id', async () => {
    const [from, to] = [await aFreeSlot(), await aFreeSlot()];
    const booked = expectStatus(await book(t, token.sven, from.id, 'Patient/sven-oberg'), 201);
    const res = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${to.id}`)), token: token.sven }), 200);
    expect(res.body.id).toBe(booked.body.id);
    expect(res.body.meta.versionId).toBe('2');
    expect(res.body.start).toBe(to.start);
    expect(res.body.slot).toEqual([{ reference: `Slot/${to.id}` }]);
    expect(res.body.participant.map((p: any) => p.actor.reference)).toEqual(['Patient/sven-oberg', 'PractitionerRole/anna-lind-vc-centrum', 'Location/loc-vc-centrum']);
    expect((await t.request('GET', `Slot/${from.id}`)).body.status).toBe('free');
    expect((await t.request('GET', `Slot/${to.id}`)).body.status).toBe('busy');
  });

  it("moves a booking to another practitioner's slot: the Appointment then names that practitioner", async () => {
    const booked = expectStatus(await book(t, token.sven, (await aFreeSlot()).id, 'Patient/sven-oberg'), 201);
    const erik = await slotAt(t, 'erik-berg-vc-centrum', new Date(`${addDays(FROM, 1)}T13:00:00Z`));
    const res = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${erik}`)), token: token.sven }), 200);
    expect(res.body.participant.map((p: any) => p.actor.reference)).toEqual(['Patient/sven-oberg', 'PractitionerRole/erik-berg-vc-centrum', 'Location/loc-vc-centrum']);
  });

  it('changes nothing when the new slot is taken: the old slot stays busy and the Appointment as it was', async () => {
    const [from, to] = [await aFreeSlot(), await aFreeSlot()];
    const booked = expectStatus(await book(t, token.sven, from.id, 'Patient/sven-oberg'), 201);
    expectStatus(await book(t, token.tolvan, to.id, 'Patient/tolvan'), 201);
    const res = await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${to.id}`)), token: token.sven });
    expect(res.status).toBe(409);
    const after = (await t.request('GET', `Appointment/${booked.body.id}`)).body;
    expect(after.meta.versionId).toBe('1');
    expect(after.slot).toEqual([{ reference: `Slot/${from.id}` }]);
    expect((await t.request('GET', `Slot/${from.id}`)).body.status).toBe('busy');
  });

  it('adds the meeting link when a visit becomes a video visit, and removes it when it stops being one', async () => {
    const booked = expectStatus(await book(t, token.sven, (await aFreeSlot()).id, 'Patient/sven-oberg'), 201);
    expect(booked.body.extension).toBeUndefined();
    const video = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${(await aFreeSlot('video')).id}`)), token: token.sven }), 200);
    const link = video.body.extension.find((e: any) => e.url === MEETING_LINK).valueUrl;
    expect(link).toMatch(/^https:\/\/video\.lots\.example\/vc-centrum\//);
    const video2 = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${(await aFreeSlot('video')).id}`)), token: token.sven }), 200);
    expect(video2.body.extension[0].valueUrl).toBe(link);
    const physical = expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${(await aFreeSlot()).id}`)), token: token.sven }), 200);
    expect(physical.body.extension).toBeUndefined();
  });

  it("refuses a citizen where the clinic has switched online rebooking off, but not the clinic's staff", async () => {
    const [from, to] = [await aFreeSlot('physical', 'vc-teleborg'), await aFreeSlot('physical', 'vc-teleborg')];
    const booked = expectStatus(await book(t, token.tolvan, from.id, 'Patient/tolvan'), 201);
    const res = await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${to.id}`)), token: token.tolvan });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/Vårdcentralen Teleborg, Växjö does not take rebookings online/);
    expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${to.id}`)), token: token.teleborg }), 200);
    // The citizen may still cancel online.
    expectStatus(await t.request('POST', `Appointment/${booked.body.id}/$cancel`, { token: token.tolvan }), 200);
  });

  it('keeps a booking within its clinic', async () => {
    const booked = expectStatus(await book(t, token.tolvan, (await aFreeSlot('physical', 'vc-teleborg')).id, 'Patient/tolvan'), 201);
    const res = await t.request('POST', `Appointment/${booked.body.id}/$reschedule`, { body: parameters(ref('slot', `Slot/${(await aFreeSlot()).id}`)) });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].diagnostics).toMatch(/moves within its clinic/);
  });
});
