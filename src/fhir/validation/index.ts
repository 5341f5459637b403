/**
 * @module fhir/validation
 * The checks HL7's validator makes and @medplum/core does not, as one pure function of (resource,
 * definitions): resource ids, empty things, primitives, extensions against their definitions,
 * attachments, narrative links, Bundles and Questionnaires, in Bundle entries and contained resources
 * too. fhir/validate runs it on every write and in `$validate`.
 */
import type { Bundle, Questionnaire, Resource } from '@medplum/fhirtypes';
import type { Issue } from '../error.js';
import { checkAttachment } from './attachment.js';
import { checkBundle } from './bundle.js';
import { checkEmpty } from './empty.js';
import type { ExtensionDefinitions } from './extension-definitions.js';
import { checkExtensionsAt } from './extensions.js';
import { checkResourceIds } from './ids.js';
import { checkNarrativeLinks } from './narrative.js';
import { checkPrimitive } from './primitives.js';
import { checkQuestionnaire } from './questionnaire.js';
import { walkTyped } from './walk.js';

export interface Definitions {
  extensions: ExtensionDefinitions;
}

export function checkStructure(resource: Resource, definitions: Definitions): Issue[] {
  const out: Issue[] = checkEmpty(resource);
  walkTyped(resource, (node) => {
    if (node.value === node.resource) {
      checkResourceIds(node, out);
      checkNarrativeLinks(node, out);
      if (node.type === 'Bundle') out.push(...rebase(checkBundle(node.resource as Bundle), node.expression));
      if (node.type === 'Questionnaire') out.push(...rebase(checkQuestionnaire(node.resource as Questionnaire), node.expression));
    }
    if (typeof node.value === 'object') {
      checkExtensionsAt(node, definitions.extensions, out);
      checkAttachment(node, out);
    } else checkPrimitive(node, out);
  });
  return out;
}

/** Issues found on a resource nested in another (a Bundle entry) name their place from the outer one. */
function rebase(issues: Issue[], at: string): Issue[] {
  if (!issues.length || !at.includes('.')) return issues;
  return issues.map((i) => ({ ...i, expression: i.expression?.map((e) => at + e.slice(e.indexOf('.') === -1 ? e.length : e.indexOf('.'))) }));
}

export { extensionDefinitions, type ExtensionDefinitions } from './extension-definitions.js';
