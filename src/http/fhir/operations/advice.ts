/**
 * @module http/fhir/operations/advice
 * The $operations of Rådgivningsstöd, the 1177 nurse's advice support (src/domain/advice/,
 * docs/advice.md). Lots' own operations on plain R4 Encounter (https://hl7.org/fhir/R4/encounter.html,
 * https://hl7.org/fhir/R4/operations.html):
 *
 * - `POST Encounter/$open-contact` (`channel`, and `patient`, `chat` or `anonymous` with `birthDate`);
 * - `POST Encounter/[id]/$assess` (`response`, `level`, `reason`): the rules' suggestion and the final level;
 * - `POST Encounter/[id]/$close-contact`;
 * - `GET Encounter/$advice-report?from=YYYY-MM&to=YYYY-MM`: overrules per rule and month;
 * - `POST Encounter/[id]/$send-advice` (`advice`, a canonical of the library; `text`): advice to the citizen;
 * - `GET HealthcareService/$refer-to?level=…&near=lat|lon&patient=…&at=…`: units for the level, open now first;
 * - `POST Encounter/[id]/$sign-note` (`reason`, `assessment`, `advice`, `referral`): the signed journal note;
 * - `POST Composition/[id]/$amend-note` (`amendment`, and the sections changed): a new, signed version.
 */
import type { Parameters, ParametersParameter, QuestionnaireResponse } from '@medplum/fhirtypes';
import { z } from 'zod';
import { CHANNELS } from '../../../domain/advice/codes.js';
import { adviceReport, assess, closeContact, openContact } from '../../../domain/advice/service.js';
import { amendNote, signNote, type SectionTexts } from '../../../domain/advice/sign.js';
import { sendAdvice } from '../../../domain/advice/send-advice.js';
import { referTo } from '../../../domain/advice/refer-service.js';
import { levelCoding, LEVELS } from '../../../domain/triage/codes.js';
import { errors } from '../../../fhir/error.js';
import { collectBody, collectQuery, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import type { OperationDef } from './operation.js';

const reference = (type: string) =>
  z
    .object({ reference: z.string().regex(new RegExp(`^${type}/[A-Za-z0-9\\-.]{1,64}$`), `must be a reference to a ${type}, e.g. ${type}/123`) }, { error: `must be a valueReference to a ${type}` })
    .transform((r) => r.reference);

const openInput = z
  .strictObject({
    channel: one(z.enum(CHANNELS, { error: 'must be the code phone or chat' })),
    patient: optionalOne(reference('Patient')),
    chat: optionalOne(reference('Task')),
    anonymous: optionalOne(z.boolean({ error: 'must be a valueBoolean' })),
    birthDate: optionalOne(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a valueDate, YYYY-MM-DD')),
  })
  .refine((i) => [i.patient, i.chat, i.anonymous].filter(Boolean).length === 1, { message: 'give exactly one of patient, chat or anonymous=true', path: ['patient'] })
  .refine((i) => !i.chat || i.channel === 'chat', { message: 'a contact answering a chat has channel chat', path: ['channel'] })
  .refine((i) => !i.birthDate || i.anonymous, { message: 'birthDate is for an anonymous caller (a known patient has their own)', path: ['birthDate'] });

const openContactOperation: OperationDef = {
  name: 'open-contact',
  levels: ['type'],
  types: ['Encounter'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req) {
    const input = parseInput(openInput, collectBody(req.body, 'open-contact'));
    const opened = await openContact(ctx, {
      channel: input.channel,
      ...(input.patient ? { patient: input.patient } : {}),
      ...(input.chat ? { chat: input.chat.slice('Task/'.length) } : {}),
      ...(input.anonymous ? { anonymous: input.birthDate ? { birthDate: input.birthDate } : {} } : {}),
    });
    const parameter: ParametersParameter[] = [{ name: 'contact', resource: opened.encounter }, { name: 'task', resource: opened.task }];
    if (opened.patient) parameter.push({ name: 'patient', resource: opened.patient });
    const e = opened.encounter;
    return { status: 201, resource: { resourceType: 'Parameters', parameter }, headers: { Location: `${ctx.config.baseUrl}/Encounter/${e.id}/_history/${e.meta!.versionId}` } };
  },
};

const closeContactOperation: OperationDef = {
  name: 'close-contact',
  levels: ['instance'],
  types: ['Encounter'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    parseInput(z.strictObject({}), collectBody(req.body, 'close-contact'));
    return { status: 200, resource: await closeContact(ctx, id!) };
  },
};

const assessInput = z.strictObject({
  response: optionalOne(z.looseObject({ resourceType: z.literal('QuestionnaireResponse') }, { error: 'must be a QuestionnaireResponse (parameter.resource)' })),
  level: optionalOne(z.enum(LEVELS, { error: `must be one of the codes ${LEVELS.join(', ')}` })),
  reason: optionalOne(z.string({ error: 'must be a valueString' }).trim().min(1).max(2000)),
});

const assessOperation: OperationDef = {
  name: 'assess',
  levels: ['instance'],
  types: ['Encounter'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const input = parseInput(assessInput, collectBody(req.body, 'assess'));
    const a = await assess(ctx, id!, {
      ...(input.response ? { response: input.response as unknown as QuestionnaireResponse } : {}),
      ...(input.level ? { level: input.level } : {}),
      ...(input.reason ? { reason: input.reason } : {}),
    });
    const suggestion: ParametersParameter = { name: 'suggestion', part: [{ name: 'level', valueCoding: levelCoding(a.decision.level) }] };
    const rule = a.decision.rule;
    if (rule) suggestion.part!.push({ name: 'rule', part: [{ name: 'id', valueString: rule.id }, ...(rule.title ? [{ name: 'title', valueString: rule.title }] : []), { name: 'expression', valueExpression: { language: 'text/fhirpath', expression: rule.expression } }] });
    else suggestion.part!.push({ name: 'noRuleApplied', valueBoolean: true });
    const parameter: ParametersParameter[] = [
      suggestion,
      { name: 'level', valueCoding: levelCoding(a.level) },
      { name: 'overruled', valueBoolean: a.overruled },
      { name: 'assessment', resource: a.assessment },
      { name: 'response', resource: a.response },
      { name: 'guidance', resource: a.guidance },
    ];
    if (a.carriedFrom) parameter.push({ name: 'carriedFrom', valueReference: { reference: a.carriedFrom } });
    return { status: 200, resource: { resourceType: 'Parameters', parameter } };
  },
};

const month = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month, YYYY-MM');
const reportInput = z.strictObject({ from: one(month), to: one(month) });

const adviceReportOperation: OperationDef = {
  name: 'advice-report',
  levels: ['type'],
  types: ['Encounter'],
  affectsState: false,
  scope: 'r',
  async handler(ctx, req) {
    const raw = req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'advice-report');
    const input = parseInput(reportInput, raw);
    if (input.from > input.to) throw errors.badRequest('from is after to', ['from']);
    const rows = await adviceReport(ctx, input.from, input.to);
    const result: Parameters = {
      resourceType: 'Parameters',
      parameter: rows.map((r) => ({
        name: 'row',
        part: [
          { name: 'month', valueString: r.month },
          { name: 'rule', valueString: r.rule },
          { name: 'assessed', valueInteger: r.assessed },
          { name: 'overruled', valueInteger: r.overruled },
          ...Object.entries(r.to).map(([level, n]) => ({ name: 'overruledTo', part: [{ name: 'level', valueCode: level }, { name: 'count', valueInteger: n }] })),
        ],
      })),
    };
    return { status: 200, resource: result };
  },
};

const text = optionalOne(z.string({ error: 'must be a valueString' }).trim().min(1).max(20000));
const sectionInput = { reason: text, assessment: text, advice: text, referral: text };
const sectionsOf = (i: Partial<Record<keyof typeof sectionInput, string | undefined>>): SectionTexts =>
  Object.fromEntries(Object.entries(i).filter(([k, v]) => k in sectionInput && v !== undefined)) as SectionTexts;

const signNoteOperation: OperationDef = {
  name: 'sign-note',
  levels: ['instance'],
  types: ['Encounter'],
  affectsState: true,
  scope: 'c',
  async handler(ctx, req, { id }) {
    const input = parseInput(z.strictObject(sectionInput), collectBody(req.body, 'sign-note'));
    const note = await signNote(ctx, id!, sectionsOf(input));
    return { status: 201, resource: note, headers: { Location: `${ctx.config.baseUrl}/Composition/${note.id}/_history/${note.meta!.versionId}` } };
  },
};

const amendNoteOperation: OperationDef = {
  name: 'amend-note',
  levels: ['instance'],
  types: ['Composition'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const input = parseInput(z.strictObject({ ...sectionInput, amendment: one(z.string({ error: 'must be a valueString' }).trim().min(1).max(2000)) }), collectBody(req.body, 'amend-note'));
    const { amendment, ...sections } = input;
    return { status: 200, resource: await amendNote(ctx, id!, sectionsOf(sections), amendment) };
  },
};

const sendAdviceOperation: OperationDef = {
  name: 'send-advice',
  levels: ['instance'],
  types: ['Encounter'],
  affectsState: true,
  scope: 'u',
  async handler(ctx, req, { id }) {
    const input = parseInput(
      z.strictObject({ advice: one(z.string({ error: 'must be a valueCanonical' }).url('must be the canonical URL of an advice text (ActivityDefinition)').or(z.string().regex(/^https?:\/\/\S+\|\S+$/))), text: optionalOne(z.string({ error: 'must be a valueString' }).trim().min(1).max(4000)) }),
      collectBody(req.body, 'send-advice'),
    );
    const sent = await sendAdvice(ctx, id!, input.advice, input.text);
    const m = sent.message;
    return {
      status: 201,
      resource: { resourceType: 'Parameters', parameter: [{ name: 'message', resource: m }, { name: 'notified', valueInteger: sent.notifications.length }] },
      headers: { Location: `${ctx.config.baseUrl}/Communication/${m.id}/_history/${m.meta!.versionId}` },
    };
  },
};

const near = z
  .string()
  .regex(/^-?\d{1,2}(\.\d+)?\|-?\d{1,3}(\.\d+)?$/, 'must be latitude|longitude, e.g. 56.8777|14.8091')
  .transform((v) => {
    const [lat, lon] = v.split('|').map(Number) as [number, number];
    return { lat, lon };
  })
  .refine((p) => Math.abs(p.lat) <= 90 && Math.abs(p.lon) <= 180, 'latitude is within ±90 and longitude within ±180');
const referInput = z.strictObject({
  level: one(z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` })),
  reason: optionalOne(z.string().min(1).max(200)),
  near: optionalOne(near),
  patient: optionalOne(z.string().regex(/^Patient\/[A-Za-z0-9\-.]{1,64}$/, 'must be Patient/<id>')),
  at: optionalOne(z.iso.datetime({ offset: true, error: 'must be an instant with a time zone, e.g. 2026-12-24T19:00:00+01:00' })),
});

const referToOperation: OperationDef = {
  name: 'refer-to',
  levels: ['type'],
  types: ['HealthcareService'],
  affectsState: false,
  scope: 'r',
  async handler(ctx, req) {
    const input = parseInput(referInput, req.method === 'GET' ? collectQuery(req.query) : collectBody(req.body, 'refer-to'));
    const units = await referTo(ctx, { level: input.level, at: input.at ? new Date(input.at) : new Date(), ...(input.near ? { near: input.near } : {}), ...(input.patient ? { patient: input.patient } : {}) });
    const parameter: ParametersParameter[] = units.map((u) => ({
      name: 'unit',
      part: [
        { name: 'service', resource: u.service },
        ...(u.location ? [{ name: 'location', valueReference: { reference: u.location } }] : []),
        { name: 'openNow', valueBoolean: u.open },
        { name: 'listed', valueBoolean: u.listed },
        ...(u.distance !== undefined ? [{ name: 'distance', valueQuantity: { value: u.distance, unit: 'km', system: 'http://unitsofmeasure.org', code: 'km' } }] : []),
      ],
    }));
    return { status: 200, resource: { resourceType: 'Parameters', parameter } };
  },
};

export const adviceOperations: OperationDef[] = [referToOperation, openContactOperation, assessOperation, sendAdviceOperation, closeContactOperation, adviceReportOperation, signNoteOperation, amendNoteOperation];
