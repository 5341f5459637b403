/**
 * @module http/fhir/types
 * A FHIR request and response, independent of Hono: the interactions take and return these, so batch
 * and transaction entries re-dispatch through the same code as HTTP requests.
 */
import type { ExportJobs, SubscriptionQueue } from '../../store/store.js';
import type { Resource } from '@medplum/fhirtypes';
import type { PageTokenCodec } from '../../fhir/page-token.js';
import type { DomainContext } from '../../domain/context.js';

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface FhirRequest {
  method: Method;
  /** Decoded path segments below the FHIR base, e.g. ['Patient', '123', '_history', '2']. */
  segments: string[];
  query: URLSearchParams;
  headers: RequestHeaders;
  /** The parsed body: a resource, a JSON Patch array, or form fields for `_search`. */
  body?: unknown;
  /** The body's media type without parameters, e.g. `application/fhir+json`. */
  contentType?: string;
}

export interface RequestHeaders {
  ifMatch?: string;
  ifNoneMatch?: string;
  ifNoneExist?: string;
  ifModifiedSince?: string;
  prefer?: string;
  /** Server-Sent Events: the id of the last event a reconnecting client received. */
  lastEventId?: string;
  /** For operations that answer in another media type too ($growth-chart: image/svg+xml). */
  accept?: string;
}

export interface FhirResponse {
  status: number;
  /** A resource to send as JSON. */
  resource?: Resource;
  /** Already serialised resource JSON (a stored version), sent as is when no transformation is asked for. */
  raw?: string;
  headers?: Record<string, string>;
  /** Set on create/update/patch responses, to which `Prefer: return=` applies. */
  preferApplies?: boolean;
  /** A body sent as it is, unbuffered (Server-Sent Events); `headers` give its Content-Type. */
  stream?: ReadableStream<Uint8Array>;
}

/** What every interaction may use; built once in `app.ts`, per request by the authenticate middleware. */
export interface FhirContext extends DomainContext {
  pageTokens: PageTokenCodec;
  /** Subscription delivery state and events (`$status`, `$events`). */
  subscriptions: SubscriptionQueue;
  /** Bulk Data export jobs and their files (`$export`). */
  exports: ExportJobs;
}

export type Interaction = (ctx: FhirContext, req: FhirRequest, match: RouteMatch) => Promise<FhirResponse>;

export interface RouteMatch {
  type?: string;
  id?: string;
  versionId?: string;
  /** The operation name without `$`. */
  operation?: string;
  /** For compartment search: the type searched within the compartment. */
  compartmentType?: string;
}
