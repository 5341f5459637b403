/**
 * @module domain/booking/server
 * The server acting after it has checked that the caller may do the operation: when a citizen books,
 * the Appointment and the busy Slot are written by the server, which a citizen's own rights would not
 * allow (a Slot is catalogue data). Full rights, but the caller stays the principal, so the access log
 * (AuditEvent) names the person who booked rather than the server.
 */
import { UNRESTRICTED } from '../../auth/principal.js';
import type { DomainContext } from '../context.js';

export function asServer(ctx: DomainContext): DomainContext {
  return { ...ctx, principal: { ...ctx.principal, grants: UNRESTRICTED.grants }, access: { kind: 'unrestricted' } };
}
