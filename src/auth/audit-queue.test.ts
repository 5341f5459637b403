import type { AuditEvent } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../log.js';
import { createAuditQueue } from './audit-queue.js';

const event = (n: number): AuditEvent => ({ resourceType: 'AuditEvent', id: String(n) } as AuditEvent);

describe('audit queue', () => {
  it('keeps events a failed write could not store, and a strict flush reports the failure', async () => {
    const stored: string[] = [];
    let down = true;
    const q = createAuditQueue(async (events) => {
      if (down) throw new Error('Connection terminated unexpectedly');
      stored.push(...events.map((e) => e.id!));
    }, silentLogger);
    q.push([event(1), event(2)]);
    await expect(q.flush(true)).rejects.toThrow(/Connection terminated/);
    await expect(q.flush()).resolves.toBeUndefined();
    down = false;
    q.push([event(3)]);
    await expect(q.flush(true)).resolves.toBeUndefined();
    expect(stored).toEqual(['1', '2', '3']);
    await q.close();
  });
});
