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
import { createEvaluated } from '../../domain/monitoring/measure.js';

export const create: Interaction = async (ctx, req, { type }) => {
  const resource = bodyResource(req, type!);
  if (req.headers.ifNoneExist) return conditionalCreate(ctx, req, type!, resource, req.headers.ifNoneExist);
  resource.id = randomUUID();
  // The door validates, checks and logs (a self-monitoring measurement is evaluated first, and what it
  // causes is written in the same transaction); 201 with Location, ETag and Last-Modified.
  return respondWritten(ctx, await createEvaluated(ctx, resource), true);
};
