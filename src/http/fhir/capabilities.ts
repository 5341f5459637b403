/**
 * @module http/fhir/capabilities
 * `/metadata`, https://hl7.org/fhir/R4/http.html#capabilities: a CapabilityStatement generated from what
 * this server really does: its resource types, interactions, search parameters and operations.
 */
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import { authUrls } from '../auth/routes.js';
import { appLogin } from '../auth/urls.js';
import { definitionOf, type OperationDef } from './operations/operation.js';
import type { FhirContext, FhirRequest, FhirResponse, RouteMatch } from './types.js';

const TYPE_INTERACTIONS = ['read', 'vread', 'update', 'patch', 'delete', 'history-instance', 'history-type', 'create', 'search-type'] as const;

let cached: { key: string; json: string } | undefined;

export async function capabilities(
  ctx: FhirContext,
  _req: FhirRequest,
  _match: RouteMatch,
  operations: readonly OperationDef[],
): Promise<FhirResponse> {
  const key = `${ctx.config.baseUrl}|${ctx.config.corsOrigins !== 'off'}|${ctx.searchParams.version()}`;
  if (cached?.key !== key) cached = { key, json: JSON.stringify(build(ctx, operations)) };
  return { status: 200, raw: cached.json };
}

function build(ctx: FhirContext, operations: readonly OperationDef[]): CapabilityStatement {
  const resource = [...ctx.resourceTypes].sort().map((type) => resourceEntry(ctx, type, operations));
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: new Date().toISOString(),
    kind: 'instance',
    name: 'Lots',
    title: 'Lots FHIR R4 server',
    publisher: 'Lots',
    software: { name: 'Lots', version: '0.1.0' },
    implementation: { description: 'Lots FHIR R4 server', url: ctx.config.baseUrl },
    fhirVersion: '4.0.1',
    format: ['json', 'application/fhir+json'],
    patchFormat: ['application/json-patch+json', 'application/fhir+json'],
    rest: [
      {
        mode: 'server',
        security: security(ctx),
        resource,
        interaction: [{ code: 'transaction' }, { code: 'batch' }, { code: 'search-system' }, { code: 'history-system' }],
        operation: operations
          .filter((o) => o.levels.includes('system'))
          .map((o) => ({ name: o.name, definition: definitionOf(o) })),
      },
    ],
  };
}

/** SMART on FHIR: where tokens come from (the oauth-uris extension, SMART App Launch 1.0). */
function security(ctx: FhirContext): NonNullable<CapabilityStatement['rest']>[number]['security'] {
  const urls = authUrls(ctx.config.baseUrl);
  return {
    cors: ctx.config.corsOrigins !== 'off',
    service: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'SMART-on-FHIR' }] }],
    description: 'OAuth2 bearer tokens (JWT). System clients use client_credentials, apps SMART App Launch (authorization code with PKCE); see .well-known/smart-configuration.',
    extension: [
      {
        url: 'http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris',
        extension: [
          { url: 'token', valueUri: urls.token },
          ...(appLogin(ctx.config) ? [{ url: 'authorize', valueUri: urls.authorize }] : []),
          { url: 'introspect', valueUri: urls.introspect },
          { url: 'revoke', valueUri: urls.revoke },
        ],
      },
    ],
  };
}

function resourceEntry(ctx: FhirContext, type: string, operations: readonly OperationDef[]): CapabilityStatementRestResource {
  const entry: CapabilityStatementRestResource = {
    type: type as CapabilityStatementRestResource['type'],
    interaction: TYPE_INTERACTIONS.map((code) => ({ code })),
    versioning: 'versioned-update',
    readHistory: true,
    updateCreate: true,
    conditionalCreate: true,
    conditionalRead: 'full-support',
    conditionalUpdate: true,
    conditionalDelete: 'single',
  };
  const params = ctx.searchParams.forType(type);
  if (params.length) {
    entry.searchParam = params.map((p) => ({ name: p.code, definition: p.url, type: p.type, documentation: p.description }));
  }
  const ops = operations.filter(
    (o) => (o.levels.includes('type') || o.levels.includes('instance')) && (!o.types || o.types.includes(type)),
  );
  if (ops.length) entry.operation = ops.map((o) => ({ name: o.name, definition: definitionOf(o) }));
  return entry;
}
