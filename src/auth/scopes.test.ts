import { describe, expect, it } from 'vitest';
import { allows, narrowScopes, parseScopes, typesAllowed } from './scopes.js';

describe('SMART scopes', () => {
  it('reads v1 scopes', () => {
    const g = parseScopes('openid patient/*.read user/Task.write');
    expect(allows(g, 'Observation', 'r')).toBe(true);
    expect(allows(g, 'Observation', 's')).toBe(true);
    expect(allows(g, 'Observation', 'c')).toBe(false);
    expect(allows(g, 'Task', 'u')).toBe(true);
    expect(allows(g, 'Communication', 'u')).toBe(false);
  });

  it('reads v2 scopes', () => {
    const g = parseScopes('patient/Observation.rs user/*.cruds');
    expect(allows(g, 'Observation', 'r')).toBe(true);
    expect(allows(g, 'Patient', 'd')).toBe(true);
    expect(parseScopes('patient/Observation.sr')).toEqual([]);
  });

  it('system/*.* allows everything', () => {
    const g = parseScopes('system/*.*');
    for (const op of ['c', 'r', 'u', 'd', 's'] as const) expect(allows(g, 'AuditEvent', op)).toBe(true);
    expect(typesAllowed(g, 'r')).toBe('*');
  });

  it('lists the types an operation is allowed on', () => {
    expect(typesAllowed(parseScopes('user/Task.rs user/Communication.r'), 'r')).toEqual(['Task', 'Communication']);
    expect(typesAllowed(parseScopes('user/Task.rs'), 'c')).toEqual([]);
  });

  it('narrows requested scopes to what a client may have', () => {
    expect(narrowScopes('system/Patient.rs system/Observation.cruds', 'system/*.rs')).toBe('system/Patient.rs');
    expect(narrowScopes('system/*.*', 'system/*.*')).toBe('system/*.*');
    expect(narrowScopes('system/*.read', 'system/Patient.read')).toBe('');
  });
});
