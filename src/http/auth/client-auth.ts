/**
 * @module http/auth/client-auth
 * Authenticates the OAuth client at the token endpoint: client_secret_basic (or _post), or
 * private_key_jwt (a JWT signed with a key the client registered, as SMART Backend Services do),
 * whose jti may be used once.
 */
import { randomBytes } from 'node:crypto';
import { createLocalJWKSet, createRemoteJWKSet, jwtVerify } from 'jose';
import { hashSecret, secretMatches, type Client, type ClientRegistry } from '../../auth/clients.js';
import { OAuthError } from './oauth-error.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** One key set per JWKS URL, so jose's cache (and cooldown between fetches) works across requests. */
const remote = new Map<string, ReturnType<typeof createRemoteJWKSet>>();
function remoteKeys(url: string): ReturnType<typeof createRemoteJWKSet> {
  let keys = remote.get(url);
  if (!keys) remote.set(url, (keys = createRemoteJWKSet(new URL(url))));
  return keys;
}

export async function authenticateClient(db: ClientRegistry, authorization: string | undefined, form: URLSearchParams, tokenUrl: string): Promise<Client> {
  const assertion = form.get('client_assertion');
  if (assertion) {
    if (form.get('client_assertion_type') !== JWT_BEARER) throw new OAuthError(400, 'invalid_request', `client_assertion_type must be ${JWT_BEARER}`);
    return byAssertion(db, assertion, tokenUrl);
  }
  const [id, secret] = basicCredentials(authorization) ?? [form.get('client_id'), form.get('client_secret')];
  if (!id || !secret) throw new OAuthError(401, 'invalid_client', 'Authenticate the client with HTTP Basic (client_secret_basic) or a client_assertion (private_key_jwt)');
  const client = await db.get(id);
  // An unknown client costs the same scrypt as a known one, so timing does not tell which ids exist.
  const matches = await secretMatches(secret, client?.secretHash ?? (await unknownClientHash()));
  if (!client?.secretHash || !matches) throw new OAuthError(401, 'invalid_client', 'Unknown client or wrong secret');
  return client;
}

let dummyHash: Promise<string> | undefined;
const unknownClientHash = () => (dummyHash ??= hashSecret(randomBytes(24).toString('base64url')));

function basicCredentials(header: string | undefined): [string, string] | undefined {
  const m = /^Basic\s+(.+)$/i.exec(header ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return [decodeURIComponent(decoded.slice(0, i)), decodeURIComponent(decoded.slice(i + 1))];
  } catch {
    throw new OAuthError(401, 'invalid_client', 'The Basic credentials are not valid percent-encoding (RFC 6749 section 2.3.1)');
  }
}

async function byAssertion(db: ClientRegistry, assertion: string, tokenUrl: string): Promise<Client> {
  let claims: { iss?: unknown; sub?: unknown };
  try {
    claims = JSON.parse(Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString('utf8')) as typeof claims;
  } catch {
    throw new OAuthError(401, 'invalid_client', 'client_assertion is not a JWT');
  }
  const id = typeof claims.iss === 'string' ? claims.iss : '';
  const client = await db.get(id);
  // The same answer as a bad signature: the error does not tell which client ids exist.
  if (!client?.jwks && !client?.jwksUrl) throw new OAuthError(401, 'invalid_client', 'client_assertion rejected: unknown client or no registered key');
  let payload;
  try {
    ({ payload } = await jwtVerify(assertion, client.jwks ? createLocalJWKSet(client.jwks) : remoteKeys(client.jwksUrl!), { issuer: id, subject: id, audience: tokenUrl, requiredClaims: ['exp', 'jti'] }));
  } catch (err) {
    throw new OAuthError(401, 'invalid_client', `client_assertion rejected: ${(err as Error).message}`);
  }
  // SMART Backend Services: exp no more than five minutes ahead.
  if (payload.exp! * 1000 > Date.now() + 5 * 60_000 + 10_000) {
    throw new OAuthError(401, 'invalid_client', 'client_assertion exp must be at most 5 minutes in the future');
  }
  if (!(await db.rememberAssertion(String(payload.jti), new Date(payload.exp! * 1000)))) {
    throw new OAuthError(401, 'invalid_client', 'client_assertion was already used (jti seen before)');
  }
  return client;
}

/**
 * An app at the token, revocation or introspection endpoint: a confidential one authenticates as
 * above; a public one (SMART client-public) only names itself with client_id, and PKCE or the token
 * itself binds what it may do.
 */
export async function authenticateApp(db: ClientRegistry, authorization: string | undefined, form: URLSearchParams, tokenUrl: string): Promise<Client> {
  if (form.get('client_assertion') || form.get('client_secret') || /^Basic\s/i.test(authorization ?? '')) return authenticateClient(db, authorization, form, tokenUrl);
  const id = form.get('client_id');
  if (!id) throw new OAuthError(401, 'invalid_client', 'Name the app with client_id (a public app) or authenticate it (a confidential app)');
  const client = await db.get(id);
  if (!client?.public) throw new OAuthError(401, 'invalid_client', 'Unknown public client, or a confidential client that did not authenticate');
  return client;
}
