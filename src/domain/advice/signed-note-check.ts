/**
 * @module domain/advice/signed-note-check
 * The stored check (domain/repository `StoredCheck`) that keeps a signed advice note as it was signed,
 * whoever writes it and however (PUT, PATCH, transaction, `$amend-note`): only an amendment may follow.
 */
import type { Composition, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../../fhir/error.js';
import type { ServerRepository } from '../repository.js';
import { signedNoteIssues } from './note.js';

export async function checkSignedNote(repo: ServerRepository, resource: Resource): Promise<Issue[]> {
  if (resource.resourceType !== 'Composition' || !resource.id) return [];
  return signedNoteIssues(await repo.lookup<Composition>('Composition', resource.id), resource);
}
