/**
 * @module http/fhir/operations/patient-contact-settings
 * `GET`/`POST Patient/[id]/$contact-settings` (Lots' own operation, docs/citizen.md; PU-tjänsten):
 * the citizen's choice to share their mobile number and e-mail with the region, their notification
 * channels and paper letters. GET reads them; POST (a Parameters with `shareMobile`, `shareEmail`,
 * `notifications` = sms|email|both|none, optional `paperLetters`, `mobile`, `email`) replaces them.
 * Only the citizen themself and system clients; staff get 403. Defined with affectsState false so that
 * GET may read; a POST is checked as a write of the caller (scopes and record) before anything is written.
 */
import type { Parameters } from '@medplum/fhirtypes';
import { z } from 'zod';
import { collectBody, collectQuery, one, optionalOne, parseInput } from '../../../fhir/parameters.js';
import { NOTIFICATIONS, type ContactSettings } from '../../../domain/citizen/contact-settings.js';
import { changeContactSettings, readContactSettings } from '../../../domain/citizen/settings-service.js';
import type { OperationDef } from './operation.js';

const input = z.strictObject({
  shareMobile: one(z.boolean()),
  shareEmail: one(z.boolean()),
  notifications: one(z.enum(NOTIFICATIONS, { error: `must be one of ${NOTIFICATIONS.join(', ')}` })),
  paperLetters: optionalOne(z.boolean()),
  mobile: optionalOne(z.string().regex(/^\+?[0-9][0-9 -]{5,19}$/, 'must be a phone number such as 070-123 45 67 or +46701234567')),
  email: optionalOne(z.email({ error: 'must be an e-mail address' })),
});

const answer = (s: ContactSettings): Parameters => ({
  resourceType: 'Parameters',
  parameter: [
    { name: 'shareMobile', valueBoolean: s.shareMobile },
    { name: 'shareEmail', valueBoolean: s.shareEmail },
    { name: 'notifications', valueCode: s.notifications },
    { name: 'paperLetters', valueBoolean: s.paperLetters },
  ],
});

export const contactSettingsOperation: OperationDef = {
  name: 'contact-settings',
  levels: ['instance'],
  types: ['Patient'],
  affectsState: false,
  async handler(ctx, req, { id }) {
    if (req.method === 'GET') {
      parseInput(z.strictObject({}), collectQuery(req.query));
      return { status: 200, resource: answer(await readContactSettings(ctx, id!)) };
    }
    const i = parseInput(input, collectBody(req.body, 'contact-settings'));
    const settings = await changeContactSettings(ctx, id!, {
      shareMobile: i.shareMobile,
      shareEmail: i.shareEmail,
      notifications: i.notifications,
      paperLetters: i.paperLetters ?? true,
      ...(i.mobile !== undefined ? { mobile: i.mobile } : {}),
      ...(i.email !== undefined ? { email: i.email } : {}),
    });
    return { status: 200, resource: answer(settings) };
  },
};
