/**
 * @module cli/http-sender
 * `lots seed` / `lots import` while a server holds the embedded database: the Bundles go to its
 * transaction endpoint (https://hl7.org/fhir/R4/http.html#transaction) as a system client
 * (client_credentials, SMART Backend Services), so the server stays the one process writing the folder.
 */
import type { Bundle, OperationOutcome } from '@medplum/fhirtypes';
import { FhirError, type IssueType } from '../fhir/error.js';
import { authUrls } from '../http/auth/routes.js';
import type { BundleSender } from './import.js';

export async function httpSender(baseUrl: string, client: { id: string; secret: string }): Promise<BundleSender> {
  const token = await clientToken(baseUrl, client);
  return async (bundle) => {
    const res = await fetch(baseUrl, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/fhir+json', accept: 'application/fhir+json', prefer: 'return=minimal' },
      body: JSON.stringify(bundle),
    });
    const body = (await res.json().catch(() => undefined)) as Bundle | OperationOutcome | undefined;
    if (res.ok && body?.resourceType === 'Bundle') return body;
    const issues = body?.resourceType === 'OperationOutcome' ? (body.issue ?? []) : [];
    throw new FhirError(
      res.status,
      issues.length
        ? issues.map((i) => ({ code: i.code as IssueType, diagnostics: i.diagnostics ?? i.code }))
        : { code: 'exception', diagnostics: `the server answered ${res.status}` },
    );
  };
}

async function clientToken(baseUrl: string, client: { id: string; secret: string }): Promise<string> {
  const url = authUrls(baseUrl).token;
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&scope=system/*.*',
  });
  if (!res.ok) throw new Error(`the server at ${baseUrl} refused the client "${client.id}" (${res.status} from ${url}): check LOTS_CLIENT`);
  return ((await res.json()) as { access_token: string }).access_token;
}
