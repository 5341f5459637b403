/**
 * @module http/auth/smart-configuration
 * `GET [base]/.well-known/smart-configuration` (SMART App Launch 2.x,
 * https://build.fhir.org/ig/HL7/smart-app-launch/conformance.html): where to get tokens, how clients
 * authenticate, which scopes and capabilities this server has. It lists only what works: without the
 * demo login or an OIDC issuer for apps' logins there is no authorization endpoint and no app launch.
 */
import { authUrls } from './urls.js';

const APP_LAUNCH = ['launch-standalone', 'launch-ehr', 'client-public', 'context-standalone-patient', 'context-ehr-patient', 'context-ehr-encounter', 'context-banner', 'context-style', 'permission-offline', 'permission-online', 'sso-openid-connect'];

export function smartConfiguration(baseUrl: string, login: { demo: boolean; apps: boolean }): Record<string, unknown> {
  const urls = authUrls(baseUrl);
  return {
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    ...(login.apps ? { authorization_endpoint: urls.authorize } : {}),
    token_endpoint: urls.token,
    introspection_endpoint: urls.introspect,
    revocation_endpoint: urls.revoke,
    grant_types_supported: login.apps ? ['authorization_code', 'refresh_token', 'client_credentials'] : ['refresh_token', 'client_credentials'],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'private_key_jwt'],
    token_endpoint_auth_signing_alg_values_supported: ['RS256', 'RS384', 'ES256', 'ES384'],
    scopes_supported: ['openid', 'fhirUser', 'launch', 'launch/patient', 'launch/encounter', 'offline_access', 'online_access', 'patient/*.cruds', 'patient/*.rs', 'patient/*.read', 'user/*.cruds', 'user/*.rs', 'user/*.read', 'user/*.write', 'system/*.cruds', 'system/*.*', 'system/*.read'],
    response_types_supported: login.apps ? ['code'] : [],
    code_challenge_methods_supported: ['S256'],
    capabilities: [
      ...(login.apps ? APP_LAUNCH : []),
      'client-confidential-symmetric',
      'client-confidential-asymmetric',
      'permission-patient',
      'permission-user',
      'permission-v1',
      'permission-v2',
    ],
    ...(login.demo ? { lots_demo_login_endpoint: urls.demo } : {}),
    ...(login.apps ? { lots_launch_endpoint: urls.launch } : {}),
  };
}
