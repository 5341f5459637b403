/**
 * @module http/auth/oauth-error
 * OAuth 2.0 token endpoint errors (RFC 6749 section 5.2): JSON `{error, error_description}`, not
 * OperationOutcome, because OAuth clients expect this shape.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'temporarily_unavailable'
  | 'invalid_token'
  | 'not_found';

export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 503,
    readonly code: OAuthErrorCode,
    message: string,
  ) {
    super(message);
  }

  body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
