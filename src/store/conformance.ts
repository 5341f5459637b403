/**
 * @module store/conformance
 * The StructureDefinitions written through the API, read at start so that the validator knows their
 * extensions and profiles (`$validate?profile=`, meta.profile) as it knows those of `profiles/`.
 */
import type { StructureDefinition } from '@medplum/fhirtypes';
import type { Queryable } from './db/db.js';

export async function storedStructureDefinitions(db: Queryable): Promise<StructureDefinition[]> {
  const rows = await db.query<{ content: string }>(
    `select content from resource where resource_type = 'StructureDefinition' and not deleted and content is not null`,
  );
  return rows.map((r) => JSON.parse(r.content) as StructureDefinition);
}
