import type { HealthcareService, Location, Organization } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { cardHtml, contactCard, hoursOn, mondayOf } from './contact-card.js';
import { words } from './find-units.js';

const location: Location = {
  resourceType: 'Location',
  hoursOfOperation: [
    { daysOfWeek: ['mon', 'tue', 'wed', 'thu'], openingTime: '08:00:00', closingTime: '17:00:00' },
    { daysOfWeek: ['fri'], openingTime: '08:00:00', closingTime: '12:00:00' },
    { daysOfWeek: ['fri'], openingTime: '13:00:00', closingTime: '15:00:00' },
  ],
};
const organization: Organization = {
  resourceType: 'Organization',
  id: 'vc',
  name: 'Vårdcentralen <Test> & Co',
  telecom: [{ system: 'phone', value: '0470-1' }],
  address: [
    { type: 'physical', line: ['Storgatan 1'], postalCode: '351 85', city: 'Växjö' },
    { type: 'postal', line: ['Box 1'], postalCode: '351 03', city: 'Växjö' },
  ],
};
const closed: HealthcareService = { resourceType: 'HealthcareService', notAvailable: [{ description: 'Stängt för utbildning', during: { start: '2026-12-28', end: '2026-12-30' } }] };

describe('opening hours on a day', () => {
  it('are the weekly hours, several spans joined', () => {
    expect(hoursOn(location, [], '2026-12-04')).toEqual({ date: '2026-12-04', weekday: 'fredag', hours: '08:00–12:00, 13:00–15:00' });
    expect(hoursOn(location, [], '2026-12-05').hours).toBe('Stängt');
  });
  it('are closed on a public holiday and on julafton, naming the day', () => {
    expect(hoursOn(location, [], '2026-12-24')).toMatchObject({ weekday: 'torsdag', hours: 'Stängt', note: 'Julafton' });
    expect(hoursOn(location, [], '2026-12-25')).toMatchObject({ hours: 'Stängt', note: 'Juldagen' });
    expect(hoursOn(location, [], '2026-06-19')).toMatchObject({ hours: 'Stängt', note: 'Midsommarafton' });
  });
});

describe('the contact card', () => {
  it('shows the week of a holiday with the unit’s own closure applied, Monday to Sunday', () => {
    const card = contactCard({ organization, location, services: [closed], eServices: ['Listning: öppen för nya listningar'] }, '2026-12-24');
    expect(card.today).toMatchObject({ date: '2026-12-24', hours: 'Stängt', note: 'Julafton' });
    expect(card.week.map((d) => `${d.date} ${d.hours}${d.note ? ` ${d.note}` : ''}`)).toEqual([
      '2026-12-21 08:00–17:00',
      '2026-12-22 08:00–17:00',
      '2026-12-23 08:00–17:00',
      '2026-12-24 Stängt Julafton',
      '2026-12-25 Stängt Juldagen',
      '2026-12-26 Stängt Annandag jul',
      '2026-12-27 Stängt',
    ]);
    const next = contactCard({ organization, location, services: [closed], eServices: [] }, '2026-12-29');
    expect(next.week.slice(0, 4).map((d) => d.note)).toEqual(['Stängt för utbildning', 'Stängt för utbildning', 'Stängt för utbildning', 'Nyårsafton']);
    expect(card).toMatchObject({ visiting: 'Storgatan 1, 351 85 Växjö', postal: 'Box 1, 351 03 Växjö', phone: '0470-1' });
  });
  it('escapes everything in the HTML page', () => {
    const html = cardHtml(contactCard({ organization, location, services: [], eServices: ['<script>x</script>'] }, '2026-12-24'));
    expect(html).toContain('<h1>Vårdcentralen &lt;Test&gt; &amp; Co</h1>');
    expect(html).not.toContain('<script>');
    expect(html).toContain('torsdag 2026-12-24: Stängt (Julafton)');
  });
  it('starts a week on Monday', () => {
    expect(mondayOf('2026-12-27')).toBe('2026-12-21');
    expect(mondayOf('2026-12-21')).toBe('2026-12-21');
  });
});

describe('the words of a free-text search', () => {
  it('keeps a postcode together, with or without its space', () => {
    expect(words(' Vårdcentral  351 85 ')).toEqual(['Vårdcentral', '351 85']);
    expect(words('35185')).toEqual(['351 85']);
    expect(words('växjö, boka')).toEqual(['växjö', 'boka']);
  });
});
