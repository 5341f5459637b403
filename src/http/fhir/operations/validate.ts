/**
 * @module http/fhir/operations/validate
 * `$validate`, https://hl7.org/fhir/R4/resource-operation-validate.html, at type and instance level.
 * The body is the resource, or a Parameters with `resource` (and optional `mode`, `profile`); `mode` and
 * `profile` may also be URL parameters. It answers 200 with an OperationOutcome listing every issue,
 * whether or not the resource is valid.
 */
import type { Parameters, Resource } from '@medplum/fhirtypes';
import { errors, outcome } from '../../../fhir/error.js';
import { hasErrors } from '../../../fhir/validate.js';
import { isObject } from '../body.js';
import type { OperationDef } from './operation.js';

export const validateOperation: OperationDef = {
  name: 'validate',
  standard: true,
  levels: ['type', 'instance'],
  affectsState: false,
  async handler(ctx, req, { type, id }) {
    let resource = resourceFromBody(req.body, type);
    // The body's parameters, when it is the operation's Parameters and not the resource to validate.
    const input = resource === req.body ? undefined : req.body;
    const mode = modeFromBody(input) ?? req.query.get('mode') ?? undefined;
    if (mode && !['create', 'update', 'delete'].includes(mode)) {
      throw errors.badRequest(`mode must be create, update or delete; got "${mode}"`);
    }
    if (!resource && id) {
      // Read as the caller: a resource they may not see answers like a missing one (no existence oracle).
      const stored = await ctx.repo.read(type!, id, '$validate');
      if (!stored || stored.deleted) throw errors.notFound(`${type}/${id} is not known`);
      if (mode === 'delete') return { status: 200, resource: outcome([{ severity: 'information', code: 'informational', diagnostics: 'The resource may be deleted' }]) };
      resource = JSON.parse(stored.json!) as Resource;
    }
    if (!resource) throw errors.badRequest(`$validate needs a ${type} in the body, or a Parameters with a "resource" part`);
    if (resource.resourceType !== type) {
      throw errors.badRequest(`The resource is a ${resource.resourceType}, but the URL is for ${type}`, ['resourceType']);
    }
    if (mode === 'update' && id && resource.id !== id) {
      throw errors.badRequest(`For mode=update the resource id must be "${id}"`, [`${type}.id`]);
    }
    // The spec: a server that cannot validate against a nominated profile SHALL return an error.
    const profile = profileFromBody(input) ?? req.query.get('profile') ?? undefined;
    if (profile && !ctx.validator.knowsProfile(profile)) {
      throw errors.badRequest(`The profile ${profile} is not known to this server, so it cannot validate against it`, ['profile']);
    }
    const issues = ctx.validator.validate(resource, profile ? [profile] : []);
    // The checks against stored resources (a QuestionnaireResponse against its form) as on a write.
    if (!hasErrors(issues)) issues.push(...(await ctx.repo.storedIssues(resource)));
    const result = hasErrors(issues)
      ? issues
      : [...issues, { severity: 'information' as const, code: 'informational' as const, diagnostics: 'No errors found' }];
    return { status: 200, resource: outcome(result) };
  },
};

/**
 * The resource to validate. For `Parameters/$validate` the body is the Parameters itself unless it
 * wraps one in a `resource` part (the operation's own input form).
 */
function resourceFromBody(body: unknown, type: string | undefined): Resource | undefined {
  if (!isObject(body) || typeof body.resourceType !== 'string') return undefined;
  if (body.resourceType !== 'Parameters') return body as unknown as Resource;
  const wrapped = (body as unknown as Parameters).parameter?.find((p) => p.name === 'resource')?.resource;
  if (type === 'Parameters' && wrapped?.resourceType !== 'Parameters') return body as unknown as Resource;
  return wrapped;
}

function profileFromBody(body: unknown): string | undefined {
  if (!isObject(body) || body.resourceType !== 'Parameters') return undefined;
  const p = (body as unknown as Parameters).parameter?.find((x) => x.name === 'profile');
  return p?.valueUri ?? p?.valueCanonical ?? p?.valueString;
}

function modeFromBody(body: unknown): string | undefined {
  if (!isObject(body) || body.resourceType !== 'Parameters') return undefined;
  const p = (body as unknown as Parameters).parameter?.find((x) => x.name === 'mode');
  return p?.valueCode ?? p?.valueString;
}
