import { describe, expect, it } from 'vitest';
import { expandValueSet, hasCode, hasCoding, isFullyCheckable } from './valuesets.js';

const V3 = 'http://terminology.hl7.org/CodeSystem/';
const codes = (url: string) => [...expandValueSet(url).bareCodes].sort();

describe('expandValueSet', () => {
  it('expands a whole FHIR CodeSystem, with or without |version, and caches it', () => {
    const gender = expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1');
    expect([...gender.codes]).toEqual([
      'http://hl7.org/fhir/administrative-gender|male',
      'http://hl7.org/fhir/administrative-gender|female',
      'http://hl7.org/fhir/administrative-gender|other',
      'http://hl7.org/fhir/administrative-gender|unknown',
    ]);
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/administrative-gender')).toBe(gender);
    expect(isFullyCheckable(gender)).toBe(true);
  });

  it('enumerates concept lists, even from systems it cannot expand whole', () => {
    expect(codes('http://hl7.org/fhir/ValueSet/units-of-time')).toEqual(['a', 'd', 'h', 'min', 'mo', 's', 'wk']);
  });

  it('includes nested concepts of a whole CodeSystem', () => {
    const q = expandValueSet('http://terminology.hl7.org/ValueSet/v3-EntityNamePartQualifier');
    expect(hasCoding(q, `${V3}v3-EntityNamePartQualifier`, 'IN')).toBe(true); // nested under _PersonNamePartQualifier
  });

  it('applies is-a with exclude, descendent-of and is-not-a', () => {
    const enc = expandValueSet('http://terminology.hl7.org/ValueSet/v3-ActEncounterCode');
    expect(hasCode(enc, 'AMB')).toBe(true);
    expect(hasCode(enc, '_ActEncounterCode')).toBe(false); // excluded abstract parent
    expect(codes('http://hl7.org/fhir/ValueSet/inactive')).not.toContain('_ActMoodPredicate');
    expect(codes('http://hl7.org/fhir/ValueSet/inactive')).toContain('GOL.CRT');
    const contact = codes('http://hl7.org/fhir/ValueSet/patient-contactrelationship');
    expect(contact).toContain('N');
    expect(contact).not.toContain('O');
  });

  it('follows the v3 polyhierarchy (`child` properties), not just the nesting', () => {
    const parent = expandValueSet('http://hl7.org/fhir/ValueSet/parent-relationship-codes');
    expect(hasCoding(parent, `${V3}v3-RoleCode`, 'TWINBRO')).toBe(true);
  });

  it('imports value sets', () => {
    const either = codes('http://hl7.org/fhir/ValueSet/event-or-request-resource-types');
    expect(either).toContain('Observation');
    expect(either).toContain('ServiceRequest');
    const yesNo = expandValueSet('http://hl7.org/fhir/ValueSet/yesnodontknow');
    expect(hasCoding(yesNo, `${V3}v2-0136`, 'Y')).toBe(true);
    expect(hasCoding(yesNo, `${V3}data-absent-reason`, 'asked-unknown')).toBe(true);
  });

  it('reports what it cannot enumerate as undecidable, never as a non-member', () => {
    const mime = expandValueSet('http://hl7.org/fhir/ValueSet/mimetypes');
    expect(hasCode(mime, 'application/fhir+json')).toBeUndefined();
    expect(hasCoding(mime, 'urn:ietf:bcp:13', 'text/plain')).toBeUndefined();
    const languages = expandValueSet('http://hl7.org/fhir/ValueSet/all-languages');
    expect(hasCode(languages, 'sv-SE')).toBeUndefined();
    // SNOMED is-a filters: the package has SNOMED only as `content: not-present`.
    const clinicalFindings = expandValueSet('http://hl7.org/fhir/ValueSet/clinical-findings');
    expect(hasCoding(clinicalFindings, 'http://snomed.info/sct', '44054006')).toBeUndefined();
    // An import the package lacks (dicom-cid29) makes the whole set unknown.
    expect(expandValueSet('http://hl7.org/fhir/ValueSet/media-modality').unknown).toBe(true);
    expect(expandValueSet('http://example.org/ValueSet/nope').unknown).toBe(true);
  });

  it('still rejects a wrong system next to an open one', () => {
    const currencies = expandValueSet('http://hl7.org/fhir/ValueSet/currencies');
    expect(hasCoding(currencies, 'urn:iso:std:iso:4217', 'SEK')).toBeUndefined();
    expect(hasCoding(currencies, 'http://example.org/money', 'SEK')).toBe(false);
  });
});
