// Words the server owns and the browser shows: the roles and the audit log's actions, each
// with its German label. Plain data without TypeBox, so that the browser may import it as a
// value; contract/api.ts builds the route schemas' unions from the same lists.

export const ROLES = ['admin', 'provider', 'funder', 'press'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, string> = {
  admin: 'Landratsamt (Koordination)',
  provider: 'Träger',
  funder: 'Fördermittelgeber',
  press: 'Pressestelle',
};

/** What the audit log records, in the order the filter offers it. */
export const AUDIT_ACTION_LABELS = {
  login: 'Anmeldung',
  login_failed: 'Anmeldung fehlgeschlagen',
  login_throttled: 'Anmeldung gesperrt (zu viele Versuche)',
  logout: 'Abmeldung',
  import: 'Import',
  import_dry_run: 'Probelauf',
  user_added: 'Konto angelegt',
  user_disabled: 'Konto gesperrt',
  user_enabled: 'Konto entsperrt',
  user_password_reset: 'Passwort neu gesetzt',
  token_created: 'API-Token erstellt',
  token_revoked: 'API-Token widerrufen',
  report_published: 'Bericht veröffentlicht',
  report_withdrawn: 'Bericht zurückgezogen',
  report_superseded: 'Bericht ersetzt',
} as const;

export type AuditAction = keyof typeof AUDIT_ACTION_LABELS;

export const AUDIT_ACTIONS = Object.keys(AUDIT_ACTION_LABELS) as AuditAction[];
