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

export interface IndicatorsResponse {
  date: string;
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
  rules: Rules | null;
  rows: BreakdownRow[];
  total: Figure;
}

export class ApiError extends Error {}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) {
    const problem = (await response.json().catch(() => ({}))) as { detail?: string };
    throw new ApiError(problem.detail ?? `Der Server antwortet mit ${response.status}.`);
  }
  return (await response.json()) as T;
}

export const indicatorsUrl = (date: string, format?: 'csv') =>
  `/api/v1/indicators?date=${date}${format ? `&format=${format}` : ''}`;

export const breakdownUrl = (id: string, date: string, by: string, format?: 'csv') =>
  `/api/v1/indicators/${id}/breakdown?date=${date}&by=${by}${format ? `&format=${format}` : ''}`;

export const fetchIndicators = (date: string) => getJson<IndicatorsResponse>(indicatorsUrl(date));

export const fetchBreakdown = (id: string, date: string, by: string) =>
  getJson<BreakdownResponse>(breakdownUrl(id, date, by));
