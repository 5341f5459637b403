/**
 * @module domain/catalogue/contact-card
 * The kontaktkort of a unit (docs/catalogue.md), as pure functions of its catalogue resources and the
 * Swedish date: name, visiting and postal address, phone, the opening hours of today and of this week
 * (Monday to Sunday) with Swedish public holidays, the eves that are not working days and the unit's
 * own closures applied, and the e-services it offers. Rendered as FHIR (a document Bundle whose
 * Composition has one section per part) or as an HTML page; both carry the same text.
 */
import type { Address, HealthcareService, Location, Organization } from '@medplum/fhirtypes';
import { holidayOn } from '../calendar/swedish-holidays.js';
import { addDays } from '../calendar/working-days.js';

export interface DayHours {
  date: string;
  weekday: string;
  /** e.g. "08:00–17:00", "Dygnet runt" or "Stängt". */
  hours: string;
  /** Why it is closed or differs: a holiday or the unit's own note. */
  note?: string;
}

export interface ContactCard {
  name: string;
  description?: string;
  visiting?: string;
  postal?: string;
  phone?: string;
  today: DayHours;
  week: DayHours[];
  /** What one can do online with the unit, one line each. */
  eServices: string[];
}

const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
const SWEDISH_WEEKDAYS = ['söndag', 'måndag', 'tisdag', 'onsdag', 'torsdag', 'fredag', 'lördag'];

const weekdayIndex = (date: string) => new Date(`${date}T12:00:00Z`).getUTCDay();

/** The Monday of the week of `date`. */
export function mondayOf(date: string): string {
  return addDays(date, -((weekdayIndex(date) + 6) % 7));
}

/** One line of an address: "Storgatan 1, 351 85 Växjö". */
export function addressLine(a: Address | undefined): string | undefined {
  if (!a) return undefined;
  const place = [a.postalCode, a.city].filter(Boolean).join(' ');
  const line = [...(a.line ?? []), place].filter(Boolean).join(', ');
  return line || undefined;
}

/** A closure of the unit: `notAvailable` of one of its services (Location has none in R4). */
export interface Closure {
  description: string;
  start?: string;
  end?: string;
}

export function closuresOf(services: readonly HealthcareService[]): Closure[] {
  return services
    .filter((s) => s.active !== false)
    .flatMap((s) => s.notAvailable ?? [])
    .map((n) => ({ description: n.description, ...(n.during?.start ? { start: n.during.start.slice(0, 10) } : {}), ...(n.during?.end ? { end: n.during.end.slice(0, 10) } : {}) }));
}

/** The opening hours on `date` from the Location's weekly hours, holidays and closures applied. */
export function hoursOn(location: Location | undefined, closures: readonly Closure[], date: string): DayHours {
  const day = weekdayIndex(date);
  const base = { date, weekday: SWEDISH_WEEKDAYS[day]! };
  const holiday = holidayOn(date);
  if (holiday) return { ...base, hours: 'Stängt', note: holiday.name };
  const closure = closures.find((c) => (!c.start || c.start <= date) && (!c.end || date <= c.end));
  if (closure) return { ...base, hours: 'Stängt', note: closure.description };
  const open = (location?.hoursOfOperation ?? []).filter((h) => (h.daysOfWeek ?? []).includes(WEEKDAYS[day]!));
  if (open.some((h) => h.allDay)) return { ...base, hours: 'Dygnet runt' };
  const spans = open.filter((h) => h.openingTime && h.closingTime).map((h) => `${h.openingTime!.slice(0, 5)}–${h.closingTime!.slice(0, 5)}`);
  return { ...base, hours: spans.length ? spans.join(', ') : 'Stängt' };
}

export interface CardFacts {
  organization: Organization;
  location?: Location;
  services: readonly HealthcareService[];
  /** Lines about what the unit offers online (case types, booking, listing). */
  eServices: string[];
}

export function contactCard(f: CardFacts, today: string): ContactCard {
  const closures = closuresOf(f.services);
  const monday = mondayOf(today);
  const addresses = [...(f.organization.address ?? []), ...(f.location?.address ? [f.location.address] : [])];
  const visiting = addresses.find((a) => a.type !== 'postal');
  const postal = addresses.find((a) => a.type === 'postal') ?? visiting;
  const phone = [...(f.organization.telecom ?? []), ...(f.location?.telecom ?? [])].find((t) => t.system === 'phone')?.value;
  const card: ContactCard = {
    name: f.organization.name ?? f.location?.name ?? f.organization.id ?? '',
    today: hoursOn(f.location, closures, today),
    week: Array.from({ length: 7 }, (_, i) => hoursOn(f.location, closures, addDays(monday, i))),
    eServices: f.eServices,
  };
  if (f.location?.description) card.description = f.location.description;
  const v = addressLine(visiting);
  const p = addressLine(postal);
  if (v) card.visiting = v;
  if (p) card.postal = p;
  if (phone) card.phone = phone;
  return card;
}

const dayText = (d: DayHours) => `${d.hours}${d.note ? ` (${d.note})` : ''}`;

/** The parts of the card as (title, lines): the sections of the Composition and of the HTML page. */
export function cardSections(card: ContactCard): { code: string; title: string; lines: string[] }[] {
  return [
    { code: 'address', title: 'Adress', lines: [...(card.visiting ? [`Besöksadress: ${card.visiting}`] : []), ...(card.postal ? [`Postadress: ${card.postal}`] : [])] },
    { code: 'phone', title: 'Telefon', lines: card.phone ? [card.phone] : [] },
    { code: 'today', title: 'Öppet idag', lines: [`${card.today.weekday} ${card.today.date}: ${dayText(card.today)}`] },
    { code: 'week', title: 'Öppettider denna vecka', lines: card.week.map((d) => `${d.weekday} ${d.date}: ${dayText(d)}`) },
    { code: 'e-services', title: 'E-tjänster', lines: card.eServices },
    ...(card.description ? [{ code: 'about', title: 'Om mottagningen', lines: [card.description] }] : []),
  ].filter((s) => s.lines.length);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** XHTML for a narrative (FHIR `div`): the lines as a list. */
export function sectionDiv(lines: readonly string[]): string {
  return `<div xmlns="http://www.w3.org/1999/xhtml"><ul>${lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></div>`;
}

/** The card as a small HTML page (Accept: text/html). */
export function cardHtml(card: ContactCard): string {
  const sections = cardSections(card)
    .map((s) => `<section><h2>${escapeHtml(s.title)}</h2><ul>${s.lines.map((l) => `<li>${escapeHtml(l)}</li>`).join('')}</ul></section>`)
    .join('\n');
  return `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(card.name)} – kontaktkort</title></head>
<body><main><h1>${escapeHtml(card.name)}</h1>
${sections}
</main></body></html>
`;
}
