/**
 * @module auth/smart/consent-scopes
 * What an app may be given at a SMART launch, and how the consent page names it. The scopes granted are
 * the intersection of what the client may ask (its registration), what it asked, what the person's kind
 * permits (a citizen never gets `user/` or `system/` scopes) and what the person left ticked. Pure.
 * https://build.fhir.org/ig/HL7/smart-app-launch/scopes-and-launch-context.html
 */
import { narrowScopes, parseScopes } from '../scopes.js';

export type PersonKind = 'citizen' | 'staff';

/** The most each kind of person may hand an app. */
export const KIND_SCOPES: Record<PersonKind, string> = {
  citizen: 'openid fhirUser launch/patient offline_access online_access patient/*.cruds',
  staff: 'openid fhirUser launch launch/patient launch/encounter offline_access online_access patient/*.cruds user/*.cruds',
};

/**
 * Roles that only read: an app of a person with no other role gets no write scope (a granskare reviews
 * the access log, DOMAIN.md section 8; writing through an app would be more than the role is for).
 */
const READ_ONLY_ROLES = new Set(['granskare']);
const READ_ONLY_STAFF = 'openid fhirUser launch launch/patient launch/encounter offline_access online_access patient/*.rs user/*.rs';

/** Scopes the app cannot work without: shown, but not optional. */
const REQUIRED = new Set(['openid', 'fhirUser', 'launch', 'launch/patient', 'launch/encounter']);

/** The requested scopes the client may have and the person's kind and roles permit, in the order asked. */
export function grantableScopes(requested: string, clientScope: string, kind: PersonKind, roles: readonly string[] = []): string[] {
  const unique = [...new Set(requested.split(/\s+/).filter(Boolean))].join(' ');
  const readOnly = kind === 'staff' && roles.length > 0 && roles.every((r) => READ_ONLY_ROLES.has(r));
  return narrowScopes(narrowScopes(unique, clientScope), readOnly ? READ_ONLY_STAFF : KIND_SCOPES[kind]).split(' ').filter(Boolean);
}

/** The scopes requested that the client may never have (its registration does not cover them). */
export function scopesBeyondClient(requested: string, clientScope: string): string[] {
  const allowed = new Set(narrowScopes(requested, clientScope).split(' '));
  return requested.split(/\s+/).filter((s) => s && !allowed.has(s));
}

export const isOptional = (scope: string): boolean => !REQUIRED.has(scope);

/** The scopes finally granted: the required ones, and the optional ones the person left ticked. */
export function consented(grantable: readonly string[], ticked: readonly string[]): string[] {
  return grantable.filter((s) => !isOptional(s) || ticked.includes(s));
}

export const wantsRefresh = (scopes: readonly string[]): 'offline' | 'online' | undefined =>
  scopes.includes('offline_access') ? 'offline' : scopes.includes('online_access') ? 'online' : undefined;

/** True when the scopes reach patient data through `patient/` scopes, which need a patient in context. */
export const needsPatient = (scopes: readonly string[]): boolean => scopes.includes('launch/patient') || scopes.some((s) => parseScopes(s)[0]?.context === 'patient');

const TYPES: Record<string, string> = {
  Patient: 'personuppgifter (namn, födelsedatum, kontaktuppgifter)',
  Observation: 'mätvärden och provsvar',
  Condition: 'diagnoser och hälsoproblem',
  MedicationRequest: 'läkemedelsordinationer',
  MedicationStatement: 'läkemedel',
  AllergyIntolerance: 'allergier och överkänsligheter',
  Immunization: 'vaccinationer',
  Appointment: 'bokade besök',
  Task: 'ärenden',
  Communication: 'meddelanden',
  QuestionnaireResponse: 'ifyllda formulär',
  CarePlan: 'vårdplaner',
  DocumentReference: 'dokument',
  Encounter: 'vårdkontakter',
};

const VERBS: [string, string][] = [
  ['r', 'läsa'],
  ['s', 'söka i'],
  ['c', 'lägga till'],
  ['u', 'ändra'],
  ['d', 'ta bort'],
];

/** The scope in plain Swedish, as the consent page lists it. */
export function describeScope(scope: string, kind: PersonKind): string {
  switch (scope) {
    case 'openid':
    case 'fhirUser':
      return 'Veta vem du är (ditt namn och om du är invånare eller vårdpersonal)';
    case 'launch':
    case 'launch/patient':
      return 'Veta vilken patient det gäller';
    case 'launch/encounter':
      return 'Veta vilken vårdkontakt det gäller';
    case 'offline_access':
      return 'Fortsätta ha åtkomst när du inte använder appen, tills du återkallar den';
    case 'online_access':
      return 'Fortsätta ha åtkomst så länge du är inloggad';
  }
  const [grant] = parseScopes(scope);
  if (!grant) return scope;
  const verbs = VERBS.filter(([op]) => grant.ops.has(op as 'r')).map(([, v]) => v);
  const what = grant.type === '*' ? 'alla uppgifter' : (TYPES[grant.type] ?? `uppgifter av typen ${grant.type}`);
  const whose = grant.context === 'patient' ? (kind === 'citizen' ? 'i journalen (din eller ditt barns)' : 'om patienten') : 'som du har behörighet till';
  return `${capitalize(joinSwedish(verbs))} ${what} ${whose}`;
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

function joinSwedish(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} och ${words.at(-1)}`;
}
