// The only module that touches the network: the public API of the server.
import { type Table, tableFromIPC } from 'apache-arrow';

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
  /** With `compare`: `change` is the difference to the comparison's value (null if either is withheld). */
  indicators: (Indicator & { change?: number | null })[];
  comparison?: { date: string; indicators: Indicator[] };
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

/** A breakdown as the Arrow table answers it: its categories and, apart, their total. */
export interface BreakdownTable {
  rows: BreakdownRow[];
  total: Figure;
}

export type Interval = 'month' | 'quarter' | 'year';

/** One point of a series: the figure on the last day (`date`) of a `period` (2021-01, 2021-Q1, 2021). */
export interface SeriesPoint extends Figure {
  period: string;
  date: string;
}

/** One side of a share or ratio; `id` is null where the numerator is no indicator of its own. */
export interface DefinitionPart {
  id: string | null;
  label: string;
}

/** What an indicator means, from the server's indicator registry. */
export interface IndicatorDefinition {
  id: string;
  label: string;
  definition: string;
  population: string;
  kind: Indicator['kind'];
  /** A count over a period (default: 1 January of the reporting year up to the Stichtag). */
  period: boolean;
  numerator: DefinitionPart | null;
  denominator: DefinitionPart | null;
}

/** A characteristic figures can be broken down by; open sets (years, countries) list no categories. */
export interface DimensionDefinition {
  id: string;
  label: string;
  categories: { key: string; label: string }[];
}

export interface DefinitionsResponse {
  indicators: IndicatorDefinition[];
  dimensions: DimensionDefinition[];
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

async function send(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  {
    body,
    csrfToken,
    accept = 'application/json',
  }: { body?: unknown; csrfToken?: string | null; accept?: string } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok) {
    // Errors come as problem+json whatever format was asked for.
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new ApiError(
      problem.detail ?? `Der Server antwortet mit ${response.status}.`,
      response.status,
    );
  }
  return response;
}

async function call<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { body?: unknown; csrfToken?: string | null } = {},
): Promise<T> {
  const response = await send(method, url, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

const ARROW_TYPE = 'application/vnd.apache.arrow.stream';

async function fetchArrow(url: string): Promise<Uint8Array> {
  const response = await send('GET', url, { accept: ARROW_TYPE });
  return new Uint8Array(await response.arrayBuffer());
}

function readTable(ipc: Uint8Array): Table {
  try {
    return tableFromIPC(ipc);
  } catch {
    throw new Error('Die Antwort des Servers ist keine lesbare Arrow-Tabelle.');
  }
}

/** The cells of one column, checked against the type the server promises for it. */
function column<T>(table: Table, name: string, isCell: (cell: unknown) => cell is T) {
  const vector = table.getChild(name);
  if (!vector) throw new Error(`Der Arrow-Tabelle fehlt die Spalte „${name}“.`);
  return (row: number): T => {
    const cell = vector.get(row);
    if (!isCell(cell))
      throw new Error(`Die Arrow-Spalte „${name}“ enthält einen unerwarteten Wert.`);
    return cell;
  };
}

const isText = (cell: unknown): cell is string => typeof cell === 'string';
const isNumberOrNull = (cell: unknown): cell is number | null =>
  cell === null || typeof cell === 'number';
const isYesNo = (cell: unknown): cell is 'ja' | 'nein' => cell === 'ja' || cell === 'nein';

/** The figure columns every figure table has; `suppressed` is "ja" or "nein" in Arrow and CSV. */
function figureColumns(table: Table) {
  const value = column(table, 'value', isNumberOrNull);
  const numerator = column(table, 'numerator', isNumberOrNull);
  const denominator = column(table, 'denominator', isNumberOrNull);
  const suppressed = column(table, 'suppressed', isYesNo);
  return (row: number): Figure => ({
    value: value(row),
    numerator: numerator(row),
    denominator: denominator(row),
    suppressed: suppressed(row) === 'ja',
  });
}

/** A breakdown from its Arrow IPC stream, whose last line is the total (key "total"). */
export function breakdownFromArrow(ipc: Uint8Array): BreakdownTable {
  const table = readTable(ipc);
  const key = column(table, 'key', isText);
  const label = column(table, 'label', isText);
  const figure = figureColumns(table);
  const last = table.numRows - 1;
  if (last < 0 || key(last) !== 'total')
    throw new Error('Der Arrow-Tabelle fehlt die Zeile „Insgesamt“.');
  return {
    rows: Array.from({ length: last }, (_, row) => ({
      key: key(row),
      label: label(row),
      ...figure(row),
    })),
    total: figure(last),
  };
}

export function seriesFromArrow(ipc: Uint8Array): SeriesPoint[] {
  const table = readTable(ipc);
  const period = column(table, 'period', isText);
  const date = column(table, 'date', isText);
  const figure = figureColumns(table);
  return Array.from({ length: table.numRows }, (_, row) => ({
    period: period(row),
    date: date(row),
    ...figure(row),
  }));
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return search.toString();
};

export const indicatorsUrl = (
  date: string,
  format?: 'csv' | 'arrow',
  compare?: 'previous_year',
) => `/api/v1/indicators?${query({ date, compare, format })}`;

export const breakdownUrl = (id: string, date: string, by: string, format?: 'csv' | 'arrow') =>
  `/api/v1/indicators/${id}/breakdown?date=${date}&by=${by}${format ? `&format=${format}` : ''}`;

/** `from` and `to` are months (YYYY-MM). */
export const seriesUrl = (
  id: string,
  from: string,
  to: string,
  interval: Interval,
  format?: 'csv' | 'arrow',
) => `/api/v1/indicators/${id}/series?${query({ from, to, interval, format })}`;

export const fetchIndicators = (date: string, compare?: 'previous_year') =>
  call<IndicatorsResponse>('GET', indicatorsUrl(date, undefined, compare));

export const fetchBreakdown = (id: string, date: string, by: string) =>
  call<BreakdownResponse>('GET', breakdownUrl(id, date, by));

/** Without `rules` and `audience`: those come with the JSON answer of /api/v1/indicators. */
export const fetchBreakdownTable = async (id: string, date: string, by: string) =>
  breakdownFromArrow(await fetchArrow(breakdownUrl(id, date, by, 'arrow')));

export const fetchSeries = async (id: string, from: string, to: string, interval: Interval) =>
  seriesFromArrow(await fetchArrow(seriesUrl(id, from, to, interval, 'arrow')));

/** The providers the server knows, from the categories of a breakdown by provider. */
export async function fetchProviders(today: string): Promise<Provider[]> {
  const breakdown = await fetchBreakdown('clients_active', today, 'provider');
  return breakdown.rows.map((row) => ({ code: row.key, name: row.label }));
}

export const definitionsUrl = '/api/v1/definitions';

export const fetchDefinitions = () => call<DefinitionsResponse>('GET', definitionsUrl);

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
