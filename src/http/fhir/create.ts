/**
 * @module http/fhir/create
 * The create interaction, https://hl7.org/fhir/R4/http.html#create: the server assigns the id (a
 * client's id is ignored, as the spec says), 201 with Location, ETag and Last-Modified.
 * Conditional create (If-None-Exist) is in `conditional.ts`.
 */
import { randomUUID } from 'node:crypto';
import type { Resource } from '@medplum/fhirtypes';
import { auditWrite, checkWrite, compartmentsOf } from '../../domain/repository.js';
import { bodyResource } from './body.js';
import { conditionalCreate } from './conditional.js';
import { locationHeader, versionHeaders } from './version-headers.js';
import { validateForWrite } from '../../domain/repository.js';
import { prepareMeasurement } from '../../domain/monitoring/measure.js';
import type { FhirContext, FhirResponse, Interaction } from './types.js';

export const create: Interaction = async (ctx, req, { type }) => {
  const resource = bodyResource(req, type!);
  if (req.headers.ifNoneExist) return conditionalCreate(ctx, req, type!, resource, req.headers.ifNoneExist);
  resource.id = randomUUID();
  return createOne(ctx, resource);
};

/**
 * Validates, checks access and stores a new resource with its AuditEvents in one statement. A
 * self-monitoring measurement is evaluated first, and what it causes is written in the same
 * transaction (domain/monitoring/measure.ts).
 */
export async function createOne(ctx: FhirContext, resource: Resource): Promise<FhirResponse> {
  const measured = resource.resourceType === 'Observation' ? await prepareMeasurement(ctx, resource) : undefined;
  if (!measured) return storeOne(ctx, resource);
  return ctx.store.transaction(async (store) => {
    const tx = { ...ctx, store };
    const res = await storeOne(tx, measured.evaluation.observation);
    await measured.afterStore(tx, { ...measured.evaluation.observation, id: resource.id! });
    return res;
  });
}

async function storeOne(ctx: FhirContext, resource: Resource): Promise<FhirResponse> {
  await validateForWrite(ctx, resource);
  const compartments = compartmentsOf(ctx, resource);
  await checkWrite(ctx, resource, 'c', compartments);
  const [version] = await ctx.store.createMany([resource, ...auditWrite(ctx, 'create', 'C', `${resource.resourceType}/${resource.id}`, compartments)]);
  return {
    status: 201,
    raw: version!.json!,
    headers: { ...versionHeaders(version!), ...locationHeader(ctx.config.baseUrl, version!) },
    preferApplies: true,
  };
}
