/**
 * @module http/fhir/create
 * The create interaction, https://hl7.org/fhir/R4/http.html#create: the server assigns the id (a
 * client's id is ignored, as the spec says), 201 with Location, ETag and Last-Modified.
 * Conditional create (If-None-Exist) is in `conditional.ts`.
 */
import { randomUUID } from 'node:crypto';
import { bodyResource } from './body.js';
import { conditionalCreate } from './conditional.js';
import { respondWritten } from './version-headers.js';
import type { Interaction } from './types.js';
import { prepareMeasurement } from '../../domain/monitoring/measure.js';

export const create: Interaction = async (ctx, req, { type }) => {
  const resource = bodyResource(req, type!);
  if (req.headers.ifNoneExist) return conditionalCreate(ctx, req, type!, resource, req.headers.ifNoneExist);
  resource.id = randomUUID();
  // A self-monitoring measurement is evaluated first; what it causes (a Task for the care team) is
  // written in the same transaction (domain/monitoring/measure.ts).
  const measured = resource.resourceType === 'Observation' ? await prepareMeasurement(ctx, resource) : undefined;
  // The door validates, checks and logs; the answer is 201 with Location, ETag and Last-Modified.
  if (!measured) return respondWritten(ctx, await ctx.repo.create(resource), true);
  return ctx.repo.transaction(async (repo) => {
    const version = await repo.create(measured.evaluation.observation);
    await measured.afterStore({ ...ctx, repo }, { ...measured.evaluation.observation, id: resource.id! });
    return respondWritten(ctx, version, true);
  });
};
