// Who is asking: an account signed in by cookie, a script with an API token, or nobody.
// What they may see follows from the role (docs/disclosure.md).

import type { Role } from '../db/types.ts';
import type { Audience } from '../disclosure/disclose.ts';

export type Caller =
  | { kind: 'anonymous' }
  | {
      kind: 'session';
      userId: string;
      name: string;
      role: Role;
      provider: string | null;
      csrfToken: string;
      expiresAt: Date;
    }
  | { kind: 'token'; tokenId: string; name: string; role: Role; provider: string | null };

export const ANONYMOUS: Caller = Object.freeze({ kind: 'anonymous' });

export const roleOf = (caller: Caller): Role | null =>
  caller.kind === 'anonymous' ? null : caller.role;

/** The audience of docs/disclosure.md that a caller belongs to. */
export function audienceOf(caller: Caller): Audience {
  switch (roleOf(caller)) {
    case 'admin':
      return 'internal';
    case 'provider':
      return 'provider';
    case 'funder':
      return 'restricted';
    default:
      return 'public';
  }
}

/**
 * The rules a set of figures is disclosed under. A role's privileges hold in the caller's
 * own district only (`home`): other districts and the whole state (district undefined)
 * follow the restricted rules. A provider sees the figures of its own cases unsuppressed
 * (a request filtered to its provider code) and everything else under the restricted rules.
 */
export function disclosureAudience(
  caller: Caller,
  scope: { district: string | undefined; provider?: string | undefined },
  home: string,
): Audience {
  const audience = audienceOf(caller);
  if (audience === 'public' || audience === 'restricted') return audience;
  if (scope.district !== home) return 'restricted';
  if (audience === 'internal') return audience;
  return caller.kind !== 'anonymous' && scope.provider === caller.provider
    ? 'internal'
    : 'restricted';
}

/** How the audit log names a caller. */
export function actorName(caller: Caller): string | null {
  if (caller.kind === 'session') return caller.name;
  if (caller.kind === 'token') return `token:${caller.name}`;
  return null;
}

/** The actor columns of an audit entry. */
export const auditActor = (caller: Caller) => ({
  actor: actorName(caller),
  actorRole: roleOf(caller),
});
