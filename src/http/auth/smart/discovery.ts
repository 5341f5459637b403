/**
 * @module http/auth/smart/discovery
 * `GET /auth/.well-known/openid-configuration` (OpenID Connect Discovery 1.0, for the id_token of
 * `openid fhirUser`; the issuer is `<origin>/auth`), and the SMART style sheet an app may use to look
 * like the portal it is launched from (`smart_style_url`).
 */
import { authUrls as urlsOf } from '../urls.js';

export function openidConfiguration(baseUrl: string, appLogin: boolean): Record<string, unknown> {
  const urls = urlsOf(baseUrl);
  return {
    issuer: urls.issuer,
    jwks_uri: urls.jwks,
    ...(appLogin ? { authorization_endpoint: urls.authorize } : {}),
    token_endpoint: urls.token,
    introspection_endpoint: urls.introspect,
    revocation_endpoint: urls.revoke,
    response_types_supported: appLogin ? ['code'] : [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'],
    scopes_supported: ['openid', 'fhirUser', 'offline_access', 'online_access'],
    claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'fhirUser'],
    code_challenge_methods_supported: ['S256'],
    token_endpoint_auth_methods_supported: ['none', 'client_secret_basic', 'client_secret_post', 'private_key_jwt'],
  };
}

/** SMART styling (https://build.fhir.org/ig/HL7/smart-app-launch/app-launch.html#styling). */
export const SMART_STYLE = {
  color_background: '#f4f6f8',
  color_error: '#9b1c1c',
  color_highlight: '#1f4e79',
  color_modal_backdrop: '',
  color_success: '#166534',
  color_text: '#1a1a1a',
  dim_border_radius: '6px',
  dim_font_size: '16px',
  dim_spacing_size: '16px',
  font_family_body: 'system-ui, sans-serif',
  font_family_heading: 'system-ui, sans-serif',
};
