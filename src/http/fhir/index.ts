/**
 * @module http/fhir
 * Assembles the router from the interactions and operations.
 */
import { processBundle } from './batch.js';
import { capabilities } from './capabilities.js';
import { create } from './create.js';
import { remove } from './delete.js';
import { history } from './history.js';
import { operations } from './operations/index.js';
import { read } from './read.js';
import { createRouter, type Router } from './routes.js';
import { update } from './update.js';
import { vread } from './vread.js';
import { conditionalDelete, conditionalPatch, conditionalUpdate } from './conditional.js';
import { patch } from './patch.js';
import { searchCompartment, searchSystem, searchType } from './search.js';

export function createFhirRouter(): Router {
  const router: Router = createRouter(
    {
      read,
      vread,
      create,
      update,
      patch,
      delete: remove,
      history,
      searchType,
      searchSystem,
      searchCompartment,
      conditionalUpdate,
      conditionalDelete,
      conditionalPatch,
      bundle: (ctx, req) => processBundle(ctx, req, router),
      capabilities: (ctx, req, match) => capabilities(ctx, req, match, operations),
    },
    operations,
  );
  return router;
}
