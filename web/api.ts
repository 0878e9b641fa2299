// The only module that touches the network: the public API of the server.

export interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
}

export interface Indicator extends Figure {
  id: string;
  label: string;
  definition: string;
  kind: 'count' | 'share' | 'ratio';
}

export interface Rules {
  k: number;
  minDenominator: number;
}

/** Who the server disclosed the figures to (shared/spec/disclosure.md). */
export type Audience = 'internal' | 'provider' | 'restricted' | 'public';

export interface IndicatorsResponse {
  date: string;
  audience: Audience;
  rules: Rules | null;
  indicators: Indicator[];
}

export interface BreakdownRow extends Figure {
  key: string;
  label: string;
}

export interface BreakdownResponse {
  indicator: string;
  label: string;
  date: string;
  by: string;
  by_label: string;
  audience: Audience;
  rules: Rules | null;
  rows: BreakdownRow[];
  total: Figure;
}

export type Role = 'admin' | 'provider' | 'funder' | 'press';

export interface SessionState {
  authenticated: boolean;
  user: { name: string; role: Role; provider: string | null } | null;
  via: 'cookie' | 'token' | null;
  audience: Audience;
  /** Sent as X-CSRF-Token with every state-changing request while signed in by cookie. */
  csrf_token: string | null;
  expires_at: string | null;
}

/** The actions the audit log records; the server rejects any other filter value. */
export const AUDIT_ACTIONS = [
  'login',
  'login_failed',
  'login_throttled',
  'logout',
  'import',
  'import_dry_run',
  'user_added',
  'user_disabled',
  'user_enabled',
  'user_password_reset',
  'token_created',
  'token_revoked',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  id: string;
  at: string;
  actor: string | null;
  actor_role: string | null;
  action: string;
  action_label: string;
  target: string | null;
  source: string | null;
  detail: Record<string, unknown> | null;
}

export interface AuditQuery {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditAction | undefined;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  role: Role;
  provider: string | null;
  created_by: string;
  created_at: string;
  expires_at: string | null;
  revoked_at: string | null;
  last_used_at: string | null;
}

export interface NewToken {
  name: string;
  role: Role;
  provider?: string;
  expires_on?: string;
}

export interface Provider {
  code: string;
  name: string;
}

/** An answer other than 2xx, with the server's German `detail` as message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

async function call<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  { body, csrfToken }: { body?: unknown; csrfToken?: string | null } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new ApiError(
      problem.detail ?? `Der Server antwortet mit ${response.status}.`,
      response.status,
    );
  }
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return search.toString();
};

export const indicatorsUrl = (date: string, format?: 'csv') =>
  `/api/v1/indicators?date=${date}${format ? `&format=${format}` : ''}`;

export const breakdownUrl = (id: string, date: string, by: string, format?: 'csv') =>
  `/api/v1/indicators/${id}/breakdown?date=${date}&by=${by}${format ? `&format=${format}` : ''}`;

export const fetchIndicators = (date: string) =>
  call<IndicatorsResponse>('GET', indicatorsUrl(date));

export const fetchBreakdown = (id: string, date: string, by: string) =>
  call<BreakdownResponse>('GET', breakdownUrl(id, date, by));

/** The providers the server knows, from the categories of a breakdown by provider. */
export async function fetchProviders(today: string): Promise<Provider[]> {
  const breakdown = await fetchBreakdown('clients_active', today, 'provider');
  return breakdown.rows.map((row) => ({ code: row.key, name: row.label }));
}

export const fetchSession = () => call<SessionState>('GET', '/api/v1/session');

/** A new session; `csrfToken` of the session the browser may still hold. */
export const startSession = (
  credentials: { name: string; password: string },
  csrfToken: string | null,
) => call<SessionState>('POST', '/api/v1/session', { body: credentials, csrfToken });

export const endSession = (csrfToken: string | null) =>
  call<void>('DELETE', '/api/v1/session', { csrfToken });

export const auditUrl = (filter: AuditQuery, format?: 'csv') => {
  const search = query({ from: filter.from, to: filter.to, action: filter.action, format });
  return `/api/v1/audit${search ? `?${search}` : ''}`;
};

export const fetchAudit = (filter: AuditQuery) =>
  call<{ entries: AuditEntry[] }>('GET', auditUrl(filter));

export const fetchTokens = () => call<{ tokens: ApiToken[] }>('GET', '/api/v1/tokens');

/** The secret comes back only in this answer. */
export const createToken = (token: NewToken, csrfToken: string | null) =>
  call<{ token: ApiToken; secret: string }>('POST', '/api/v1/tokens', { body: token, csrfToken });

export const revokeToken = (id: string, csrfToken: string | null) =>
  call<void>('DELETE', `/api/v1/tokens/${encodeURIComponent(id)}`, { csrfToken });
