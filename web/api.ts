// The only module that touches the network: the public API of the server.

/**
 * How a figure is protected (docs/disclosure.md): `none` as computed (the district office,
 * a provider's own cases), `audited` exact after the audit of the headline figures,
 * `perturbed` by the Cell Key Method. Reports frozen before the Cell Key Method hold none.
 */
export type Protection = 'none' | 'audited' | 'perturbed';

export interface Figure {
  value: number | null;
  numerator: number | null;
  denominator: number | null;
  suppressed: boolean;
  protection?: Protection;
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
  /** Missing in reports frozen before the Cell Key Method. */
  protectionWidth?: number;
  cellKey?: { maxDeviation: number; variance: number };
}

/** Who the server disclosed the figures to (docs/disclosure.md). */
export type Audience = 'internal' | 'provider' | 'restricted' | 'public';

export interface IndicatorsResponse {
  date: string;
  audience: Audience;
  rules: Rules | null;
  /** The oldest of the providers' newest exports: later dates count as open what is not reported yet. */
  data_as_of: string | null;
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
  /** How far the providers' exports reach: a later date's figures are provisional. */
  data_as_of: string | null;
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
  /** The columns of the funding-period figures (fundingUrl); the server always sends them. */
  funding?: FundingFigureDefinition[];
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
  'report_published',
  'report_withdrawn',
  'report_superseded',
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
  /** The details in German sentences, written by the server. */
  detail_text: string;
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
    /** The whole problem+json, with the fields some answers add (e.g. `confirmation`). */
    readonly problem: Record<string, unknown> = {},
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
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    throw new ApiError(
      typeof problem.detail === 'string'
        ? problem.detail
        : `Der Server antwortet mit ${response.status}.`,
      response.status,
      problem,
    );
  }
  return response;
}

/** A GET answered with JSON, for answers whose type lives with the page that reads them. */
export const fetchJson = <T>(url: string) => call<T>('GET', url);

async function call<T>(
  method: 'GET' | 'POST' | 'DELETE',
  url: string,
  options: { body?: unknown; csrfToken?: string | null } = {},
): Promise<T> {
  const response = await send(method, url, options);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

/** `format=arrow` answers an Arrow IPC file; tableFromIPC reads files and streams alike. */
const ARROW_TYPE = 'application/vnd.apache.arrow.file';

async function fetchArrow(url: string): Promise<Uint8Array> {
  const response = await send('GET', url, { accept: ARROW_TYPE });
  return new Uint8Array(await response.arrayBuffer());
}

const query = (params: Record<string, string | undefined>) => {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value) search.set(name, value);
  return search.toString();
};

export const indicatorsUrl = (date: string, format?: 'csv' | 'arrow', compare?: 'previous_year') =>
  `/api/v1/indicators?${query({ date, compare, format })}`;

export const breakdownUrl = (id: string, date: string, by: string, format?: 'csv' | 'arrow') =>
  `/api/v1/indicators/${id}/breakdown?date=${date}&by=${by}${format ? `&format=${format}` : ''}`;

/** A series for one provider or one municipality instead of the whole district. */
export interface SeriesFilter {
  provider?: string;
  municipality?: string;
}

export interface SeriesResponse {
  indicator: string;
  label: string;
  interval: Interval;
  audience: Audience;
  rules: Rules | null;
  /** As in IndicatorsResponse. */
  data_as_of: string | null;
  points: SeriesPoint[];
}

/** `from` and `to` are months (YYYY-MM). */
export const seriesUrl = (
  id: string,
  from: string,
  to: string,
  interval: Interval,
  format?: 'csv' | 'arrow',
  filter: SeriesFilter = {},
) => `/api/v1/indicators/${id}/series?${query({ from, to, interval, ...filter, format })}`;

export const fetchIndicators = (date: string, compare?: 'previous_year') =>
  call<IndicatorsResponse>('GET', indicatorsUrl(date, undefined, compare));

export const fetchBreakdown = (id: string, date: string, by: string) =>
  call<BreakdownResponse>('GET', breakdownUrl(id, date, by));

/** Without `rules` and `audience`: those come with the JSON answer of /api/v1/indicators. */
// The Arrow decoder (and the Arrow library) loads only when a page asks for a table this way.
export const fetchBreakdownTable = async (id: string, date: string, by: string) =>
  (await import('./arrow-tables.ts')).breakdownFromArrow(
    await fetchArrow(breakdownUrl(id, date, by, 'arrow')),
  );

/** The series with its rules and audience, as JSON. */
export const fetchSeriesResponse = (
  id: string,
  from: string,
  to: string,
  interval: Interval,
  filter: SeriesFilter = {},
) => call<SeriesResponse>('GET', seriesUrl(id, from, to, interval, undefined, filter));

/** A monthly series (its periods are months, YYYY-MM). */
export const fetchSeries = async (id: string, from: string, to: string) =>
  (await import('./arrow-tables.ts')).seriesFromArrow(
    await fetchArrow(seriesUrl(id, from, to, 'month', 'arrow')),
  );

/** The providers the server knows, from the categories of a breakdown by provider. */
export async function fetchProviders(today: string): Promise<Provider[]> {
  const breakdown = await fetchBreakdown('clients_active', today, 'provider');
  return breakdown.rows.map((row) => ({ code: row.key, name: row.label }));
}

export const definitionsUrl = '/api/v1/definitions';

export const fetchDefinitions = () => call<DefinitionsResponse>('GET', definitionsUrl);

let definitionsAnswer: Promise<DefinitionsResponse> | undefined;

/** The definitions change only with the server's code: asked for once per page load (again after a failure). */
export function definitionsOnce(): Promise<DefinitionsResponse> {
  definitionsAnswer ??= fetchDefinitions().catch((error: unknown) => {
    definitionsAnswer = undefined;
    throw error;
  });
  return definitionsAnswer;
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

// Published reports (#berichte): frozen interim reports under a stable address, and what
// today's data would show differently.

/** A published report withdrawn, or superseded by a newer one: who, when, why. */
export interface ReportCorrection {
  kind: 'withdrawn' | 'superseded';
  reason: string;
  corrected_at: string;
  corrected_by: string;
  successor: { slug: string; title: string; published_at: string } | null;
}

export interface PublishedReportSummary {
  id: string;
  slug: string;
  title: string;
  stichtag: string;
  beendet_bis: string;
  published_at: string;
  published_by: string;
  status: 'current' | ReportCorrection['kind'];
  /** Some figures are for a day after the exports of the time: "vorläufig". */
  provisional: boolean;
  correction: ReportCorrection | null;
}

export interface PublishedBreakdown {
  indicator: string;
  label: string;
  by: string;
  by_label: string;
  title: string;
  date: string;
  rows: BreakdownRow[];
  total: Figure;
}

export interface PublishedImport {
  id: string;
  provider: string;
  as_of: string;
  checksum: string;
  file_name: string | null;
  created_at: string;
}

/** Everything the report's page shows, as disclosed to the public when it was published. */
export interface PublishedContent {
  district: string;
  stichtag: string;
  beendet_bis: string;
  audience: 'public';
  rules: Rules;
  caseload: Indicator[];
  closed: Indicator[];
  breakdowns: PublishedBreakdown[];
  trend: {
    indicator: string;
    label: string;
    title: string;
    from: string;
    to: string;
    points: SeriesPoint[];
  } | null;
  definitions: { id: string; label: string; definition: string; population: string }[];
  calculation: string;
  imports: PublishedImport[];
  /** How far the exports reached at publication; later figures are provisional. */
  data_as_of: string | null;
  /** The report's dates after data_as_of. */
  provisional_dates: string[];
  /** The tiles' figures a year earlier; null for reports published before they were kept. */
  previous_year: {
    stichtag: string;
    beendet_bis: string;
    caseload: Indicator[];
    closed: Indicator[];
  } | null;
}

/** An import stored after publication, by a provider whose figures it changed. */
export interface ImportSince {
  id: string;
  provider: string;
  as_of: string;
  file_name: string | null;
  created_at: string;
}

/** A published figure that today's data (same dates, public, same rules) shows differently. */
export interface FigureChange {
  key: string;
  section: 'caseload' | 'closed' | 'breakdown' | 'trend';
  label: string;
  date: string;
  kind: Indicator['kind'];
  published: Figure;
  today: Figure;
  providers: string[];
  imports: ImportSince[];
}

export interface PublishedReport extends PublishedReportSummary {
  content: PublishedContent;
  /** The reports this one replaced. */
  supersedes: { slug: string; title: string }[];
  checked_at: string;
  /** The figures are computed by other SQL than at publication. */
  calculation_changed: boolean;
  changes: FigureChange[];
}

export interface NewReport {
  title: string;
  stichtag: string;
  beendet_bis: string;
  /** Figures for a day after the exports: published as "vorläufig", for good. */
  provisional_confirmed?: boolean;
  /** A report with this title and these dates exists already. */
  republish_confirmed?: boolean;
  /** The current report the new one replaces, and why. */
  supersedes?: string;
  reason?: string;
}

export const reportUrl = (slug: string, format?: 'csv' | 'arrow') =>
  `/api/v1/reports/${encodeURIComponent(slug)}${format ? `?format=${format}` : ''}`;

export const fetchReports = () =>
  call<{ reports: PublishedReportSummary[] }>('GET', '/api/v1/reports');

export const fetchReport = (slug: string) => call<PublishedReport>('GET', reportUrl(slug));

export const publishReport = (report: NewReport, csrfToken: string | null) =>
  call<PublishedReportSummary & { content: PublishedContent }>('POST', '/api/v1/reports', {
    body: report,
    csrfToken,
  });

export const withdrawReport = (slug: string, reason: string, csrfToken: string | null) =>
  call<PublishedReportSummary>('POST', `/api/v1/reports/${encodeURIComponent(slug)}/withdrawal`, {
    body: { reason },
    csrfToken,
  });

// Data page (#daten): uploading a provider's export (a dry run first), the import log, and
// the data-quality figures. For the district office and the providers.

export interface ImportIssue {
  /** The row as a spreadsheet numbers it (header = 1); null for the whole file. */
  row: number | null;
  column: string | null;
  message: string;
  value?: string;
  /** older_snapshot: refused only because a newer Stand is stored; force=true takes it. */
  code?: 'older_snapshot';
}

export interface ImportSummary {
  status: 'imported' | 'unchanged' | 'dry_run' | 'rejected';
  import_id: string | null;
  provider: string;
  as_of: string;
  format: string | null;
  bytes: number;
  rows: number;
  new: number;
  changed: number;
  unchanged: number;
  missing: number;
  /** The first 200 of each; the counts say how many there are. */
  warnings: ImportIssue[];
  warning_count: number;
  errors: ImportIssue[];
  error_count: number;
  checksum: string;
}

export interface ImportLogEntry {
  id: string;
  provider: string;
  as_of: string;
  status: 'imported' | 'unchanged' | 'rejected';
  file_name: string | null;
  format: string | null;
  bytes: number | null;
  checksum: string;
  forced: boolean;
  rows: number;
  new: number;
  changed: number;
  unchanged: number;
  missing: number;
  warning_count: number;
  error_count: number;
  created_at: string;
}

export interface ExportUpload {
  file: File;
  provider: string;
  /** The export's Stand, YYYY-MM-DD. */
  asOf: string;
  dryRun: boolean;
  /** Take a snapshot older than one already stored. */
  force?: boolean;
}

/** `upload`: bytes sent so far of `total`; `check`: all sent, the server is reading the file. */
export type UploadProgress =
  | { phase: 'upload'; loaded: number; total: number }
  | { phase: 'check' };

/**
 * Sends an export as multipart form. Through XMLHttpRequest, since fetch reports no upload
 * progress. Resolves with the summary when stored, unchanged, dry-run or rejected (422:
 * the summary lists the file's errors); any other answer is an ApiError.
 */
export function uploadExport(
  upload: ExportUpload,
  csrfToken: string | null,
  onProgress: (progress: UploadProgress) => void = () => {},
): Promise<ImportSummary> {
  const form = new FormData();
  form.append('provider', upload.provider);
  form.append('as_of', upload.asOf);
  if (upload.dryRun) form.append('dry_run', 'true');
  if (upload.force) form.append('force', 'true');
  form.append('file', upload.file, upload.file.name);
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    request.open('POST', '/api/v1/imports');
    request.setRequestHeader('accept', 'application/json');
    if (csrfToken) request.setRequestHeader('x-csrf-token', csrfToken);
    request.upload.addEventListener('progress', (event) => {
      if (event.lengthComputable)
        onProgress({ phase: 'upload', loaded: event.loaded, total: event.total });
    });
    request.upload.addEventListener('load', () => onProgress({ phase: 'check' }));
    request.addEventListener('load', () => {
      let body: (Partial<ImportSummary> & { detail?: string }) | undefined;
      try {
        body = JSON.parse(request.responseText);
      } catch {
        body = undefined;
      }
      if (request.status === 200 || (request.status === 422 && body?.status === 'rejected'))
        resolve(body as ImportSummary);
      else
        reject(
          new ApiError(
            body?.detail ?? `Der Server antwortet mit ${request.status}.`,
            request.status,
          ),
        );
    });
    request.addEventListener('error', () =>
      reject(new ApiError('Die Verbindung zum Server brach ab. Bitte noch einmal hochladen.', 0)),
    );
    request.send(form);
  });
}

export const importsUrl = '/api/v1/imports';

/** Newest first; a provider's account gets its own imports only. */
export const fetchImports = () => call<{ imports: ImportLogEntry[] }>('GET', importsUrl);

/** A count out of the cases that need a value; `share` is null without such cases. */
export interface QualityPart {
  cases: number;
  count: number;
  share: number | null;
}

export interface ColumnCompleteness extends QualityPart {
  column: string;
  alias: string;
  label: string;
  rule: 'required' | 'conditional' | 'optional';
  population: string;
  /** null: all providers together. */
  provider: string | null;
}

export interface StatusUnknown {
  provider: string | null;
  active: { language_level: QualityPart; employment: QualityPart; housing: QualityPart };
  adult: { language_level: QualityPart; employment: QualityPart };
}

export interface DurationQuality {
  provider: string | null;
  active: number;
  over_three_years: QualityPart;
  over_four_years: QualityPart;
}

export interface SnapshotDelivery {
  provider: string;
  name: string;
  latest_as_of: string | null;
  imported_at: string | null;
  next_due: string | null;
  state: 'current' | 'overdue' | 'none';
  days_overdue: number;
}

export interface QualityResponse {
  date: string;
  /** The provider a provider's account is bound to; null for the district office. */
  provider: string | null;
  providers: Provider[];
  delivery_rule: { months: number; grace_days: number; description: string };
  completeness: ColumnCompleteness[];
  status_unknown: StatusUnknown[];
  duration: DurationQuality[];
  snapshots: SnapshotDelivery[];
}

export type QualityTable = 'completeness' | 'status' | 'duration' | 'snapshots';

/** Without a date, the server takes the day the exports reach. */
export const qualityUrl = (date: string | undefined, table?: QualityTable, format?: 'csv') =>
  `/api/v1/quality?${query({ date, table, format })}`;

export const fetchQuality = (date: string | undefined) =>
  call<QualityResponse>('GET', qualityUrl(date));

// Funders' page (#foerderung): the figures of a funding period by year and provider.

/** What a column of the funding table counts (server/indicators/funding.ts). */
export interface FundingFigureDefinition {
  id: string;
  label: string;
  definition: string;
  kind: Indicator['kind'];
  /** For a share or ratio: the counts it divides. */
  numerator: DefinitionPart | null;
  denominator: DefinitionPart | null;
}

/** A year and a provider, or (provider null) all providers. */
export interface FundingRow {
  year: number;
  provider: string | null;
  provider_label: string;
  /** The days counted; null when the data end before the year begins. */
  from: string | null;
  /** Also the Stichtag of the caseload. */
  to: string | null;
  complete: boolean;
  figures: Record<string, Figure>;
}

export interface FundingResponse {
  from: number;
  to: number;
  /** The date up to which the data are complete. */
  as_of: string | null;
  district: string;
  provider: string | null;
  audience: Audience;
  rules: Rules | null;
  providers: { key: string; label: string }[];
  end_reasons: { key: string; label: string }[];
  figures: FundingFigureDefinition[];
  rows: FundingRow[];
}

export interface FundingQuery {
  from: number;
  to: number;
  /** A provider's code; all providers without. */
  provider?: string | undefined;
}

export const fundingUrl = (request: FundingQuery, format?: 'csv' | 'arrow') =>
  `/api/v1/funding?${query({
    from: String(request.from),
    to: String(request.to),
    provider: request.provider,
    format,
  })}`;

export const fetchFunding = (request: FundingQuery) =>
  call<FundingResponse>('GET', fundingUrl(request));
