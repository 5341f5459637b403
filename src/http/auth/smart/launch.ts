/**
 * @module http/auth/smart/launch
 * `POST /auth/launch`: an EHR (a system client) makes the launch context of an EHR launch, and gets the
 * opaque `launch` value it passes to the app's launch URL with `iss`
 * (https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html#launch-app-ehr-launch). The value is
 * single-use and lives 5 minutes; the context is checked to exist, and at login the person must be
 * allowed to see the patient (the EHR's word is not enough).
 */
import type { Context } from 'hono';
import { allows } from '../../../auth/scopes.js';
import { find } from '../../../auth/resolve-access.js';
import { LAUNCH_TTL_SECONDS } from '../../../auth/smart/grant.js';
import { hashOpaque, newOpaque } from '../../../auth/smart/secrets.js';
import type { AuthDeps } from '../deps.js';
import { OAuthError } from '../oauth-error.js';
import { bearerPrincipal } from './bearer.js';
import type { LaunchContext } from './request-state.js';

const ID = /^[A-Za-z0-9.-]{1,64}$/;

export async function createLaunch(c: Context, deps: AuthDeps): Promise<Response> {
  const principal = await bearerPrincipal(c, deps);
  if (principal.kind !== 'system' || !allows(principal.grants, 'Patient', 'r')) throw new OAuthError(403, 'access_denied', 'Only a system client (an EHR) that may read Patient creates launch contexts');
  const input = await launchInput(c);
  const context: LaunchContext = { patient: await existing(deps, 'Patient', input.patient) };
  if (input.encounter) context.encounter = await existing(deps, 'Encounter', input.encounter);
  if (input.unit) context.unit = await existing(deps, 'Organization', input.unit);
  const launch = newOpaque();
  await deps.smart.put(hashOpaque(launch), {
    kind: 'launch',
    ...(input.client_id ? { clientId: input.client_id } : {}),
    data: JSON.stringify(context),
    expiresAt: new Date(Date.now() + LAUNCH_TTL_SECONDS * 1000),
  });
  c.header('Cache-Control', 'no-store');
  return c.json({ launch, expires_in: LAUNCH_TTL_SECONDS, ...context }, 201);
}

async function launchInput(c: Context): Promise<{ patient: string; encounter?: string | undefined; unit?: string | undefined; client_id?: string | undefined }> {
  const type = c.req.header('content-type') ?? '';
  const raw: Record<string, unknown> = type.startsWith('application/json')
    ? ((await c.req.json().catch(() => ({}))) as Record<string, unknown>)
    : Object.fromEntries(new URLSearchParams(await c.req.text()));
  const pick = (k: string) => (typeof raw[k] === 'string' ? (raw[k] as string).replace(/^[A-Za-z]+\//, '') : undefined);
  const input = { patient: pick('patient'), encounter: pick('encounter'), unit: pick('unit'), client_id: typeof raw.client_id === 'string' ? raw.client_id : undefined };
  if (!input.patient) throw new OAuthError(400, 'invalid_request', 'Give the patient (a Patient id) of the launch; encounter, unit and client_id are optional');
  return { ...input, patient: input.patient };
}

async function existing(deps: AuthDeps, type: string, id: string): Promise<string> {
  if (!ID.test(id) || !(await find(deps.lookup, type, [['_id', id]], 1)).length) throw new OAuthError(400, 'invalid_request', `No ${type}/${id} on this server`);
  return id;
}
