/**
 * @module http/fhir
 * Assembles the router from the interactions and operations.
 */
import { errors } from '../../fhir/error.js';
import { capabilities } from './capabilities.js';
import { create } from './create.js';
import { remove } from './delete.js';
import { history } from './history.js';
import { validateOperation } from './operations/validate.js';
import { read } from './read.js';
import { createRouter, type Router } from './routes.js';
import type { Interaction } from './types.js';
import { update } from './update.js';
import { vread } from './vread.js';
import { conditionalDelete, conditionalPatch, conditionalUpdate } from './conditional.js';
import { patch } from './patch.js';
import { searchCompartment, searchSystem, searchType } from './search.js';

const todo: Interaction = async () => {
  throw errors.notSupported('Not yet supported');
};

export function createFhirRouter(): Router {
  const operations = [validateOperation];
  return createRouter(
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
      bundle: todo,
      capabilities: (ctx, req, match) => capabilities(ctx, req, match, operations),
    },
    operations,
  );
}
