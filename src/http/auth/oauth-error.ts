/**
 * @module http/auth/oauth-error
 * OAuth 2.0 token endpoint errors (RFC 6749 section 5.2): JSON `{error, error_description}`, not
 * OperationOutcome, because OAuth clients expect this shape.
 */
export class OAuthError extends Error {
  constructor(
    readonly status: 400 | 401 | 404,
    readonly code: 'invalid_request' | 'invalid_client' | 'invalid_grant' | 'unsupported_grant_type' | 'invalid_scope' | 'not_found',
    message: string,
  ) {
    super(message);
  }

  body(): { error: string; error_description: string } {
    return { error: this.code, error_description: this.message };
  }
}
