/**
 * @module auth/smart/store
 * What SMART App Launch keeps between requests, as a port: the composition root builds it on the
 * database (store/smart-grants.ts). Every secret is passed in hashed (secrets.ts).
 */

export type SecretKind = 'code' | 'refresh' | 'launch' | 'request';

export interface StoredSecret {
  kind: SecretKind;
  grantId?: string;
  clientId?: string;
  /** JSON of what the step needs (see grant.ts). */
  data: string;
  expiresAt: Date;
  usedAt?: Date;
  grantRevoked: boolean;
}

export interface SmartStore {
  createGrant(id: string, clientId: string): Promise<void>;
  /** Ends a grant and every token issued from it; true when it existed. */
  revokeGrant(id: string): Promise<boolean>;
  /** True when the grant was revoked (or is unknown). */
  isRevoked(grantId: string): Promise<boolean>;
  put(hash: string, secret: { kind: SecretKind; grantId?: string; clientId?: string; data: string; expiresAt: Date }): Promise<void>;
  /** The secret, used or not, expired or not. */
  get(hash: string, kind: SecretKind): Promise<StoredSecret | undefined>;
  /** Uses a secret once: undefined when unknown, expired or used before. */
  use(hash: string, kind: SecretKind): Promise<StoredSecret | undefined>;
  /** Replaces an authorization request's data (its next step). */
  update(hash: string, data: string): Promise<boolean>;
}
