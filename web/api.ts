// The only module that touches the network: the public API of the server. The shapes of its
// answers are the server's own schemas (contract/api.ts), taken as types only: nothing of
// TypeBox reaches the bundle.
import type {
  ApiToken,
  AuditAction,
  AuditEntry,
  BreakdownAnswer,
  BreakdownRow,
  DefinitionsAnswer,
  Figure,
  FundingAnswer,
  ImportLogEntry,
  ImportSummary,
  IndicatorsAnswer,
  Interval,
  NewReport,
  NewToken,
  PublishedContent,
  PublishedReport,
  PublishedReportSummary,
  PublishedRules,
  QualityAnswer,
  QualityTable,
  SeriesAnswer,
  SessionState,
} from '../contract/api.ts';

// Every type of the contract, for the pages (types only: erased from the bundle).
export type * from '../contract/api.ts';

/** The disclosure rules an answer names; reports frozen before the Cell Key Method hold fewer. */
export type Rules = PublishedRules;
export type IndicatorsResponse = IndicatorsAnswer;
export type BreakdownResponse = BreakdownAnswer;
export type SeriesResponse = SeriesAnswer;
export type DefinitionsResponse = DefinitionsAnswer;
export type QualityResponse = QualityAnswer;
export type FundingResponse = FundingAnswer;

/** A breakdown as the Arrow table answers it: its categories and, apart, their total. */
export interface BreakdownTable {
  rows: BreakdownRow[];
  total: Figure;
}

/** The audit page's filter (the server also takes a limit). */
export interface AuditQuery {
  from?: string | undefined;
  to?: string | undefined;
  action?: AuditAction | undefined;
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
    signal,
  }: { body?: unknown; csrfToken?: string | null; accept?: string; signal?: AbortSignal } = {},
): Promise<Response> {
  const headers: Record<string, string> = { accept };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  const response = await fetch(url, {
    method,
    headers,
    ...(signal ? { signal } : {}),
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
  options: { body?: unknown; csrfToken?: string | null; signal?: AbortSignal } = {},
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

export const fetchBreakdown = (id: string, date: string, by: string, signal?: AbortSignal) =>
  call<BreakdownResponse>('GET', breakdownUrl(id, date, by), signal ? { signal } : {});

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
  signal?: AbortSignal,
) =>
  call<SeriesResponse>(
    'GET',
    seriesUrl(id, from, to, interval, undefined, filter),
    signal ? { signal } : {},
  );

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

/** Without a date, the server takes the day the exports reach. */
export const qualityUrl = (date: string | undefined, table?: QualityTable, format?: 'csv') =>
  `/api/v1/quality?${query({ date, table, format })}`;

export const fetchQuality = (date: string | undefined, signal?: AbortSignal) =>
  call<QualityResponse>('GET', qualityUrl(date), signal ? { signal } : {});

// Funders' page (#foerderung): the figures of a funding period by year and provider.

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

export const fetchFunding = (request: FundingQuery, signal?: AbortSignal) =>
  call<FundingResponse>('GET', fundingUrl(request), signal ? { signal } : {});
