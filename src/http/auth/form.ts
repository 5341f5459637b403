/**
 * @module http/auth/form
 * The OAuth endpoints' request and error shapes: form-encoded parameters in (RFC 6749 section 3.2),
 * JSON errors out (section 5.2).
 */
import type { Context } from 'hono';
import { OAuthError } from './oauth-error.js';

export async function formBody(c: Context): Promise<URLSearchParams> {
  const type = c.req.header('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) throw new OAuthError(400, 'invalid_request', 'Send the parameters as application/x-www-form-urlencoded');
  return new URLSearchParams(await c.req.text());
}

/** Answers an OAuthError as RFC 6749's JSON error. */
export const oauthErrors = (fn: (c: Context) => Promise<Response>) => async (c: Context) => {
  try {
    return await fn(c);
  } catch (err) {
    if (err instanceof OAuthError) {
      if (err.status === 401) c.header('WWW-Authenticate', err.code === 'invalid_token' ? `Bearer error="invalid_token"` : 'Basic realm="lots"');
      return c.json(err.body(), err.status);
    }
    throw err;
  }
};

