import { describe, expect, it } from 'vitest';
import { auditFilter, auditHash } from './audit.ts';

describe('audit log filter in the address', () => {
  it('reads dates and a known action, and drops anything else', () => {
    expect(
      auditFilter(new URLSearchParams('from=2026-11-01&to=2026-11-30&action=login_failed')),
    ).toEqual({ from: '2026-11-01', to: '2026-11-30', action: 'login_failed' });
    expect(auditFilter(new URLSearchParams('from=1.11.2026&action=drop_table'))).toEqual({
      from: undefined,
      to: undefined,
      action: undefined,
    });
  });
  it('writes only the filters that are set', () => {
    expect(auditHash({})).toBe('#protokoll');
    expect(auditHash({ from: '2026-11-01', action: 'logout' })).toBe(
      '#protokoll?from=2026-11-01&action=logout',
    );
  });
});
