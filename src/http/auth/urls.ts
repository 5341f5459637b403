/**
 * @module http/auth/urls
 * Where Lots' token issuer answers, derived from the FHIR base's origin.
 */
export function authUrls(baseUrl: string): { issuer: string; token: string; demo: string; jwks: string; authorize: string; introspect: string; revoke: string; launch: string } {
  const origin = new URL(baseUrl).origin;
  const at = (path: string) => `${origin}/auth/${path}`;
  return { issuer: `${origin}/auth`, token: at('token'), demo: at('demo/token'), jwks: at('jwks'), authorize: at('authorize'), introspect: at('introspect'), revoke: at('revoke'), launch: at('launch') };
}
