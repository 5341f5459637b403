/**
 * @module http/auth/smart-configuration
 * `GET [base]/.well-known/smart-configuration` (SMART App Launch 2.0): where to get tokens, how clients
 * authenticate, which scopes and capabilities this server has.
 */
import { authUrls } from './routes.js';

export function smartConfiguration(baseUrl: string, demoLogin: boolean): Record<string, unknown> {
  const urls = authUrls(baseUrl);
  return {
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    token_endpoint: urls.token,
    grant_types_supported: ['client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'ES256', 'ES384'],
    scopes_supported: ['openid', 'fhirUser', 'launch/patient', 'patient/*.cruds', 'patient/*.read', 'user/*.cruds', 'user/*.read', 'user/*.write', 'system/*.cruds', 'system/*.*', 'system/*.read'],
    response_types_supported: ['token'],
    capabilities: ['client-confidential-symmetric', 'client-confidential-asymmetric', 'permission-patient', 'permission-user', 'permission-v1', 'permission-v2'],
    ...(demoLogin ? { 'lots_demo_login_endpoint': urls.demo } : {}),
  };
}
