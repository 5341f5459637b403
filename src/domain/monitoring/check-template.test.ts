import { readFileSync } from 'node:fs';
import type { Bundle, PlanDefinition, ServiceRequest } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { checkMonitoring } from './check-template.js';
import { EXT } from './codes.js';

const seed = JSON.parse(readFileSync(new URL('../../../seed/60-monitoring.json', import.meta.url), 'utf8')) as Bundle;
const templates = seed.entry!.map((e) => e.resource as PlanDefinition);
const bp = () => structuredClone(templates.find((t) => t.id === 'monitoring-blood-pressure')!);

describe('checkMonitoring', () => {
  it('accepts the four seeded templates', () => {
    expect(templates).toHaveLength(4);
    for (const t of templates) expect(checkMonitoring(t)).toEqual([]);
  });

  it('refuses a red range inside the yellow one, pointing at the red range', () => {
    const t = bp();
    const red = t.action![0]!.extension![0]!.extension!.find((e) => e.url === 'red')!;
    red.valueRange = { low: { value: 100, code: 'mm[Hg]' }, high: { value: 130, code: 'mm[Hg]' } };
    const issues = checkMonitoring(t);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: 'value', expression: ["PlanDefinition.action[0].extension[0].extension('red')"] });
  });

  it('refuses a change rule that does not parse, and one without days', () => {
    const t = templates.find((x) => x.id === 'monitoring-heart-failure-weight')!;
    const bad = structuredClone(t);
    const rule = bad.action![0]!.extension!.find((e) => e.url === EXT.changeRule)!;
    rule.extension = rule.extension!.filter((e) => e.url !== 'days');
    rule.extension.find((e) => e.url === 'expression')!.valueExpression!.expression = '%value - - ) %recent';
    const issues = checkMonitoring(bad);
    expect(issues.map((i) => i.code).sort()).toEqual(['invalid', 'value']);
    expect(issues.find((i) => i.code === 'invalid')!.expression![0]).toBe("PlanDefinition.action[0].extension[3].extension('expression')");
  });

  it('refuses limits in a unit that is not UCUM, or in two units', () => {
    const t = bp();
    const yellow = t.action![0]!.extension![0]!.extension!.find((e) => e.url === 'yellow')!;
    yellow.valueRange!.high!.code = 'mmHg-ish';
    expect(checkMonitoring(t).map((i) => i.code)).toEqual(['code-invalid']);
    yellow.valueRange!.high!.code = 'kPa';
    expect(checkMonitoring(t).map((i) => i.code)).toEqual(['value']);
  });

  it('checks a regime (ServiceRequest) the same way, and leaves other resources alone', () => {
    const sr: ServiceRequest = {
      resourceType: 'ServiceRequest',
      status: 'active',
      intent: 'plan',
      subject: { reference: 'Patient/p' },
      extension: [{ url: EXT.range, extension: [{ url: 'code', valueCoding: { code: '59408-5' } }, { url: 'yellow', valueRange: { low: { value: 90, code: '%' } } }, { url: 'red', valueRange: { low: { value: 93, code: '%' } } }] }],
    };
    expect(checkMonitoring(sr)[0]).toMatchObject({ code: 'value', expression: ["ServiceRequest.extension[0].extension('red')"] });
    expect(checkMonitoring({ resourceType: 'PlanDefinition', status: 'active' })).toEqual([]);
  });
});
