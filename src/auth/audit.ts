/**
 * @module auth/audit
 * The access log Swedish patient data law requires: an AuditEvent (in the style of IHE BALP) for every
 * read and write of patient data and every login, naming who, on whose behalf, which patient, which
 * resource, the action, the outcome, when and through which client. One event per patient, so a
 * patient searching "who viewed my record" sees only events about them.
 */
import { randomUUID } from 'node:crypto';
import type { AuditEvent, AuditEventAgent, AuditEventEntity } from '@medplum/fhirtypes';
import { PERSONNUMMER_SYSTEM } from '../fhir/identifiers/personnummer.js';
import { markGenerated } from '../fhir/search/audit-entries.js';
import type { Principal } from './principal.js';

export const HSA_ID_SYSTEM = 'urn:oid:1.2.752.29.4.19';
export const CLIENT_ID_SYSTEM = 'https://lots.example/fhir/NamingSystem/client-id';

export type AuditAction = 'C' | 'R' | 'U' | 'D' | 'E';

export interface AuditFacts {
  principal: Principal;
  action: AuditAction;
  /** The FHIR interaction or operation, e.g. read, search-type, create, $everything. */
  interaction: string;
  /** The patient the event is about (`Patient/x`). */
  patient: string;
  /** The resource read or written, when one. */
  entity?: string;
  /** The search query, for searches. */
  query?: string;
  success: boolean;
  when?: Date;
  /** For a guardian: the RelatedPerson through which they act. */
  onBehalfOf?: string;
  /**
   * Set when the server wrote or read on the person's behalf (e.g. `lots-triage`): named as the acting
   * application next to the person, who stays the requestor (Patientdatalagen: who acted, for whom).
   */
  software?: string;
}

const REST_TYPE = { system: 'http://terminology.hl7.org/CodeSystem/audit-event-type', code: 'rest', display: 'RESTful Operation' };
const LOGIN_TYPE = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110114', display: 'User Authentication' };
const LOGIN_SUBTYPE = { system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110122', display: 'Login' };
const PATIENT_ROLE = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '1', display: 'Patient' };
const DOMAIN_ROLE = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '4', display: 'Domain Resource' };
const QUERY_ROLE = { system: 'http://terminology.hl7.org/CodeSystem/object-role', code: '24', display: 'Query' };

export function auditEvent(f: AuditFacts): AuditEvent {
  return markGenerated(buildAuditEvent(f));
}

function buildAuditEvent(f: AuditFacts): AuditEvent {
  const entity: AuditEventEntity[] = [{ what: { reference: f.patient }, role: PATIENT_ROLE }];
  if (f.entity && f.entity !== f.patient) entity.push({ what: { reference: f.entity }, role: DOMAIN_ROLE });
  if (f.query !== undefined) entity.push({ role: QUERY_ROLE, query: Buffer.from(f.query).toString('base64') });
  return {
    resourceType: 'AuditEvent',
    id: randomUUID(),
    type: REST_TYPE,
    subtype: [{ system: 'http://hl7.org/fhir/restful-interaction', code: f.interaction }],
    action: f.action,
    recorded: (f.when ?? new Date()).toISOString(),
    outcome: f.success ? '0' : '8',
    agent: agents(f.principal, f.onBehalfOf, f.software),
    source: { observer: { display: 'Lots' }, type: [{ system: 'http://terminology.hl7.org/CodeSystem/security-source-type', code: '4', display: 'Application Server' }] },
    entity,
  };
}

/** A login: feeds the access log and the statistics (logins by month, age band and gender). */
export function loginEvent(principal: Principal, patient: string | undefined, when = new Date()): AuditEvent {
  return markGenerated(buildLoginEvent(principal, patient, when));
}

function buildLoginEvent(principal: Principal, patient: string | undefined, when: Date): AuditEvent {
  const event: AuditEvent = {
    resourceType: 'AuditEvent',
    id: randomUUID(),
    type: LOGIN_TYPE,
    subtype: [LOGIN_SUBTYPE],
    action: 'E',
    recorded: when.toISOString(),
    outcome: '0',
    agent: agents(principal),
    source: { observer: { display: 'Lots' } },
  };
  if (patient) event.entity = [{ what: { reference: patient }, role: PATIENT_ROLE }];
  return event;
}

export const SERVER_SOFTWARE_SYSTEM = 'https://lots.example/fhir/NamingSystem/server-software';
const APPLICATION = { coding: [{ system: 'http://dicom.nema.org/resources/ontology/DCM', code: '110150', display: 'Application' }], text: 'server' };

/** Staff roles in the access log (agent.role). */
export const STAFF_ROLE_SYSTEM = 'https://lots.example/fhir/CodeSystem/staff-role';
/** Agent extension (valueReference Organization): a unit the person worked for when acting; searchable as `agent-unit`. */
export const AGENT_UNIT_EXT = 'https://lots.example/fhir/StructureDefinition/audit-agent-unit';
const PURPOSE_SYSTEM = 'http://terminology.hl7.org/CodeSystem/v3-ActReason';
/** Why the person acted (agent.purposeOfUse), so the access log can say why: staff in care, the citizen for themself. */
const PURPOSE = {
  staff: { system: PURPOSE_SYSTEM, code: 'TREAT', display: 'treatment' },
  citizen: { system: PURPOSE_SYSTEM, code: 'PATRQT', display: 'patient requested' },
  system: { system: PURPOSE_SYSTEM, code: 'HOPERAT', display: 'healthcare operations' },
} as const;

/** What the access log must say about a member of staff: HSA-id (altId, searchable), roles and units. */
function staffDetails(p: Principal): Partial<AuditEventAgent> {
  if (p.kind !== 'staff') return {};
  return {
    altId: p.hsaId,
    ...(p.roles.length ? { role: p.roles.map((code) => ({ coding: [{ system: STAFF_ROLE_SYSTEM, code }] })) } : {}),
    ...(p.units.length ? { extension: p.units.map((u) => ({ url: AGENT_UNIT_EXT, valueReference: { reference: u.startsWith('Organization/') ? u : `Organization/${u}` } })) } : {}),
  };
}

function agents(p: Principal, onBehalfOf?: string, software?: string): AuditEventAgent[] {
  const person: AuditEventAgent = { requestor: true, who: { identifier: who(p), display: p.kind }, ...staffDetails(p), purposeOfUse: [{ coding: [PURPOSE[p.kind]] }] };
  if (onBehalfOf) person.who = { ...person.who, reference: onBehalfOf };
  const client: AuditEventAgent = { requestor: false, who: { identifier: { system: CLIENT_ID_SYSTEM, value: p.clientId } }, type: { text: 'client' } };
  const out: AuditEventAgent[] = p.kind === 'system' ? [{ ...client, requestor: true, purposeOfUse: [{ coding: [PURPOSE.system] }] }] : [person, client];
  if (software) out.push({ requestor: false, who: { identifier: { system: SERVER_SOFTWARE_SYSTEM, value: software }, display: 'Lots' }, type: APPLICATION });
  return out;
}

function who(p: Principal) {
  switch (p.kind) {
    case 'citizen':
      return { system: PERSONNUMMER_SYSTEM, value: p.personnummer };
    case 'staff':
      return { system: HSA_ID_SYSTEM, value: p.hsaId };
    default:
      return { system: CLIENT_ID_SYSTEM, value: p.clientId };
  }
}

/** The steps of a SMART App Launch that the access log records, success and failure alike. */
export type AuthStep = 'login' | 'consent' | 'token';
const AUTH_STEP_SYSTEM = 'https://lots.example/fhir/CodeSystem/auth-step';

export interface AuthStepFacts {
  step: AuthStep;
  /** The app. */
  clientId: string;
  /** The person, once known (a failed login with an unusable identity has none). */
  principal?: Principal;
  patient?: string;
  success: boolean;
  when?: Date;
}

/**
 * A login, consent or token exchange of an app. A successful login is the same event as `loginEvent`
 * (so the statistics count app logins too); the others carry the step as a second subtype.
 */
export function authStepEvent(f: AuthStepFacts): AuditEvent {
  const when = f.when ?? new Date();
  const principal: Principal = f.principal ?? { kind: 'system', grants: [], scope: '', clientId: f.clientId };
  const event = buildLoginEvent(principal, f.patient, when);
  event.subtype = [...(f.step === 'login' ? [LOGIN_SUBTYPE] : []), { system: AUTH_STEP_SYSTEM, code: f.step }];
  event.outcome = f.success ? '0' : '4';
  return markGenerated(event);
}
