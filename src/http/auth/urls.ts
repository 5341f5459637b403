/**
 * @module http/auth/urls
 * Where Lots' token issuer answers, derived from the FHIR base's origin.
 */
import type { Config } from '../../config.js';

/** Whether people can log in to apps: the demo login, or an OIDC issuer configured for it. */
export const appLogin = (config: Config): boolean => config.auth.demoLogin || config.auth.oidc?.login !== undefined;

export function authUrls(baseUrl: string): { issuer: string; token: string; demo: string; jwks: string; authorize: string; introspect: string; revoke: string; launch: string } {
  const origin = new URL(baseUrl).origin;
  const at = (path: string) => `${origin}/auth/${path}`;
  return { issuer: `${origin}/auth`, token: at('token'), demo: at('demo/token'), jwks: at('jwks'), authorize: at('authorize'), introspect: at('introspect'), revoke: at('revoke'), launch: at('launch') };
}
