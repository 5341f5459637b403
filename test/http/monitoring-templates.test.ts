import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitoringApp, type MonitoringApp } from './monitoring-fixtures.js';

let t: MonitoringApp;
beforeAll(async () => {
  t = await monitoringApp();
});
afterAll(() => t.close());

describe('monitoring templates (PlanDefinition)', () => {
  it('serves the four seeded templates to anyone logged in', async () => {
    const res = await t.request('GET', 'PlanDefinition?topic=monitoring&_count=10', { token: t.tokens.sven });
    expect(res.status).toBe(200);
    expect(res.body.entry.map((e: any) => e.resource.id).sort()).toEqual([
      'monitoring-blood-pressure',
      'monitoring-copd-spo2',
      'monitoring-glucose',
      'monitoring-heart-failure-weight',
    ]);
  });

  it('refuses a template whose red range lies inside the yellow one, pointing at the element', async () => {
    const plan = (await t.request('GET', 'PlanDefinition/monitoring-glucose')).body;
    const red = plan.action[0].extension[0].extension.find((e: any) => e.url === 'red');
    red.valueRange.low.value = 5;
    const res = await t.request('PUT', 'PlanDefinition/monitoring-glucose', { body: plan });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('value');
    expect(res.body.issue[0].expression).toEqual(["PlanDefinition.action[0].extension[0].extension('red')"]);
    expect((await t.request('GET', 'PlanDefinition/monitoring-glucose')).body.meta.versionId).toBe('1');
  });

  it('refuses a template whose change rule does not parse', async () => {
    const plan = (await t.request('GET', 'PlanDefinition/monitoring-heart-failure-weight')).body;
    const rule = plan.action[0].extension.find((e: any) => e.url.endsWith('monitoring-change-rule'));
    rule.extension.find((e: any) => e.url === 'expression').valueExpression.expression = '%value >= (';
    const res = await t.request('POST', 'PlanDefinition', { body: { ...plan, id: undefined, url: 'https://example.org/x' } });
    expect(res.status).toBe(422);
    expect(res.body.issue[0].code).toBe('invalid');
    expect(res.body.issue[0].expression[0]).toMatch(/^PlanDefinition\.action\[0\]\.extension\[\d\]\.extension\('expression'\)$/);
  });
});
