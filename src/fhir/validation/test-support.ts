/**
 * @module fhir/validation/test-support
 * For the unit tables of this folder: the issues checkStructure finds, as `severity expression` lines.
 */
import type { Resource } from '@medplum/fhirtypes';
import { loadDefinitions } from '../definitions.js';
import { checkStructure, extensionDefinitions, type ExtensionDefinitions } from './index.js';

let extensions: ExtensionDefinitions | undefined;

export function findings(resource: object, more: ExtensionDefinitions = new Map()): string[] {
  loadDefinitions();
  extensions ??= extensionDefinitions();
  const all = more.size ? new Map([...extensions, ...more]) : extensions;
  return checkStructure(resource as Resource, { extensions: all }).map((i) => `${i.severity} ${i.expression?.join(',') ?? ''}`);
}
