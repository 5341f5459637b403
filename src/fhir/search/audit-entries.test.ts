import type { SearchParameter } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { loadProfileResources } from '../../profiles.js';
import { auditEvent, loginEvent } from '../../auth/audit.js';
import type { Principal } from '../../auth/principal.js';
import { parseScopes } from '../../auth/scopes.js';
import { baseSearchParameters, loadDefinitions } from '../definitions.js';
import { auditEventEntries } from './audit-entries.js';
import { createExtractor } from './extract.js';
import type { IndexEntries } from './index-entries.js';
import { createSearchRegistry } from './registry.js';

const BASE = 'http://localhost:8080/fhir';
// With Lots' own SearchParameters (profiles/), as the server loads them: agent-unit is one.
const own = (await loadProfileResources()).filter((r): r is SearchParameter => r.resourceType === 'SearchParameter');
const registry = createSearchRegistry([...baseSearchParameters(), ...own], loadDefinitions().resourceTypes);
const extract = createExtractor(registry, { baseUrl: BASE });

const grants = parseScopes('user/*.cruds');
const principals: Principal[] = [
  { kind: 'citizen', personnummer: '195009072553', grants, scope: 'patient/*.cruds', clientId: 'lots-demo' },
  { kind: 'staff', hsaId: 'SE2321000065-P000000000202', units: ['Organization/vc-centrum'], roles: ['nurse'], grants, scope: 'user/*.cruds', clientId: 'lots-demo' },
  { kind: 'system', grants, scope: 'system/*.*', clientId: 'ehr' },
];

const sorted = (e: IndexEntries) =>
  Object.fromEntries(Object.entries(e).map(([k, list]) => [k, (list as unknown[]).map((x) => JSON.stringify(x, Object.keys(x as object).sort())).sort()]));

describe("the fast index of Lots' own AuditEvents", () => {
  const events = principals.flatMap((principal) => [
    auditEvent({ principal, action: 'R', interaction: 'read', patient: 'Patient/p1', entity: 'Observation/o1', success: true }),
    auditEvent({ principal, action: 'R', interaction: 'search', patient: 'Patient/p2', query: 'code=8867-4&subject=Patient/p2', success: true }),
    auditEvent({ principal, action: 'C', interaction: 'create', patient: 'Patient/p3', entity: 'Patient/p3', success: true, when: new Date('2024-01-31T23:59:59.999Z') }),
    auditEvent({ principal, action: 'U', interaction: 'update', patient: 'Patient/child', entity: 'Task/t', success: false, onBehalfOf: 'RelatedPerson/rp1' }),
    loginEvent(principal, 'Patient/p1'),
    loginEvent(principal, undefined),
  ]);

  it.each(events.map((e, n) => [n, e] as const))('agrees with the generic FHIRPath extraction (event %i)', (_n, event) => {
    const generic = extract(structuredClone(event));
    expect(sorted(auditEventEntries(event, BASE))).toEqual(sorted(generic));
  });

  it('is what the extractor uses for them', () => {
    const event = events[0]!;
    expect(extract(event)).toEqual(auditEventEntries(event, BASE));
  });
});
