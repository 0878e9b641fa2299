import { describe, expect, it } from 'vitest';
import type { ApiToken } from '../api.ts';
import { tokenStatus } from './tokens.ts';

const token = (changes: Partial<ApiToken>): ApiToken => ({
  id: '1',
  name: 'Tabelle Pressestelle',
  prefix: 'zb_abcd',
  role: 'press',
  provider: null,
  created_by: 'demo',
  created_at: '2026-11-01T09:00:00Z',
  expires_at: null,
  revoked_at: null,
  last_used_at: null,
  ...changes,
});

describe('token status', () => {
  const now = new Date('2026-11-26T12:00:00Z');
  it('is active without an end, or before it', () => {
    expect(tokenStatus(token({}), now)).toBe('aktiv');
    expect(tokenStatus(token({ expires_at: '2026-11-26T22:59:59Z' }), now)).toBe('aktiv');
  });
  it('has expired after its end', () => {
    expect(tokenStatus(token({ expires_at: '2026-11-25T22:59:59Z' }), now)).toBe('abgelaufen');
  });
  it('counts as revoked once revoked, expired or not', () => {
    expect(
      tokenStatus(
        token({ expires_at: '2026-11-25T22:59:59Z', revoked_at: '2026-11-20T08:00:00Z' }),
        now,
      ),
    ).toBe('widerrufen');
  });
});
