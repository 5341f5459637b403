/**
 * @module http/fhir/operations/patient-frikort
 * `GET Patient/[id]/$frikort` (Lots' own operation, docs/citizen.md): högkostnadsskydd för öppen vård.
 * Answers a Parameters with `paid` and `remaining` (Money, SEK), `cap`, the running `period`, and
 * `frikortUntil` (date) once the cap is reached. Takes no parameters.
 */
import type { Money, Parameters, ParametersParameter } from '@medplum/fhirtypes';
import { z } from 'zod';
import { collectQuery, parseInput } from '../../../fhir/parameters.js';
import { frikort } from '../../../domain/citizen/frikort.js';
import type { OperationDef } from './operation.js';

const sek = (ore: number): Money => ({ value: ore / 100, currency: 'SEK' });

export const frikortOperation: OperationDef = {
  name: 'frikort',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    parseInput(z.strictObject({}), req.method === 'GET' ? collectQuery(req.query) : {});
    const s = await frikort(ctx, id!);
    const parameter: ParametersParameter[] = [
      { name: 'paid', valueMoney: sek(s.paidOre) },
      { name: 'remaining', valueMoney: sek(s.remainingOre) },
      { name: 'cap', valueMoney: sek(s.capOre) },
    ];
    if (s.period) parameter.push({ name: 'period', valuePeriod: { start: s.period.start, end: s.period.end } });
    if (s.frikortUntil) parameter.push({ name: 'frikortUntil', valueDate: s.frikortUntil });
    const out: Parameters = { resourceType: 'Parameters', parameter };
    return { status: 200, resource: out };
  },
};
