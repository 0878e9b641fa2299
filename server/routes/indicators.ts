// Figures: every indicator on a date (with a comparison), one indicator by a dimension, by
// two (a cross-table), or over time (a series). JSON, CSV, XLSX or Arrow; disclosure control for
// the caller's audience on every answer.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from 'typebox';
import {
  BreakdownAnswer,
  CrossTableAnswer,
  FormatParam,
  IndicatorsAnswer,
  Interval,
  IsoDate,
  SeriesAnswer,
} from '../../contract/api.ts';
import { audienceOf } from '../accounts/caller.ts';
import type { Database } from '../db/types.ts';
import { type Protection, rulesFor } from '../disclosure/disclose.ts';
import { formatDateDe, parseDate, yearEarlier } from '../import/validate.ts';
import { DIMENSION_IDS, DIMENSIONS, type DimensionId } from '../indicators/dimensions.ts';
import {
  discloseBreakdown,
  discloseCrossTable,
  discloseIndicators,
  discloseSeries,
} from '../indicators/disclosed.ts';
import type { Point } from '../indicators/figures.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';
import { invalidParameter } from '../plugins/errors.ts';
import { figureDisclosure } from './figure-disclosure.ts';
import { Filters } from './figure-scope.ts';
import {
  type ColumnType,
  figureNotes,
  isAfter,
  negotiateFormat,
  sendTable,
  standOf,
  type TableColumn,
} from './formats.ts';

export function reportingDate(value: string, name: string): string {
  const date = parseDate(value);
  if (!date)
    throw invalidParameter(
      name,
      value,
      { allowed: 'ein Tag des Kalenders als JJJJ-MM-TT, z. B. 2021-01-01' },
      { problem: `„${value}“ ist kein gültiges Datum` },
    );
  return date;
}

const Dimension = Type.Union(
  DIMENSION_IDS.map((id) => Type.Literal(id)),
  { description: 'Merkmal der Aufschlüsselung (siehe /api/v1/definitions)' },
);
const IndicatorParams = Type.Object({
  id: Type.String({
    pattern: '^[a-z0-9_]{1,64}$',
    description: 'Kennzahl, z. B. clients_active (siehe /api/v1/definitions)',
  }),
});

/** How a value is typed: counts as integers, shares and ratios as floating point. */
const VALUE_TYPES: Record<Indicator['kind'], ColumnType> = {
  count: 'int',
  share: 'share',
  ratio: 'float',
};

const figureColumns = <
  Row extends {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    suppressed: boolean;
    protection: Protection;
  },
>(
  valueType: ColumnType,
  cellType?: (row: Row) => ColumnType,
): TableColumn<Row>[] => [
  {
    key: 'value',
    header: 'Wert',
    type: valueType,
    ...(cellType ? { cellType } : {}),
    value: (r) => r.value,
    suppressed: (r) => r.suppressed,
  },
  {
    key: 'numerator',
    header: 'Zähler',
    type: 'int',
    value: (r) => r.numerator,
    suppressed: (r) => r.suppressed,
  },
  {
    key: 'denominator',
    header: 'Nenner',
    type: 'int',
    value: (r) => r.denominator,
    suppressed: (r) => r.suppressed && r.denominator === null,
  },
  { key: 'suppressed', header: 'gesperrt', type: 'bool', value: (r) => r.suppressed },
  {
    key: 'protection',
    header: 'Schutz',
    value: (r) => PROTECTION_LABELS[r.protection],
    arrowValue: (r) => r.protection,
  },
];

/** How a table names the protection of a figure. */
export const PROTECTION_LABELS: Record<Protection, string> = {
  none: 'exakt',
  audited: 'exakt, geprüft',
  perturbed: 'leicht verändert',
};

/** The last day of each month, quarter or year from `from` to `to` (YYYY-MM), with its start. */
export function seriesPoints(from: string, to: string, interval: 'month' | 'quarter' | 'year') {
  const step = { month: 1, quarter: 3, year: 12 }[interval];
  let year = Number(from.slice(0, 4));
  let month = Number(from.slice(5, 7));
  // Periods begin on calendar boundaries: a quarter in January, April, …; a year in January.
  month -= (month - 1) % step;
  const end = Number(to.slice(0, 4)) * 12 + Number(to.slice(5, 7));
  const points: (Point & { period: string })[] = [];
  while (year * 12 + month <= end) {
    const start = `${year}-${String(month).padStart(2, '0')}-01`;
    const last = new Date(Date.UTC(year, month - 1 + step, 0)).toISOString().slice(0, 10);
    const period =
      interval === 'month'
        ? start.slice(0, 7)
        : interval === 'quarter'
          ? `${year}-Q${(month + 2) / 3}`
          : String(year);
    points.push({ date: last, periodFrom: start, period });
    month += step;
    if (month > 12) {
      month -= 12;
      year += 1;
    }
  }
  return points;
}

const indicators: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;

  function requireIndicator(id: string): Indicator {
    const indicator = findIndicator(id);
    if (!indicator) {
      const ids = INDICATORS.map((i) => i.id);
      throw invalidParameter(
        'id',
        id,
        {
          allowed: `eine der Kennzahlen aus /api/v1/definitions: ${ids.join(', ')}`,
          allowed_values: ids,
        },
        { in: 'path', status: 404, problem: `die Kennzahl „${id}“ gibt es nicht` },
      );
    }
    return indicator;
  }

  const { disclosureOf, asOfOnce, directoryOf, filtersOf, countsOf } = figureDisclosure(app);

  /**
   * A request's figures, computed once per data version for everyone who asks for the same
   * with the same audience, in any format (the answer cache keeps each format's bytes), and
   * stopped when every client waiting for them has gone.
   */
  function figuresOnce<T>(
    request: FastifyRequest,
    audience: string,
    compute: (db: Kysely<Database>) => Promise<T>,
  ): Promise<T> {
    const { format: _format, ...query } = request.query as Record<string, unknown>;
    // Only the parameters the route knows: others change nothing, and must not make new
    // entries (a client adding `&x=1`, `&x=2`, … would otherwise fill the memory).
    const known = (
      request.routeOptions.schema?.querystring as
        | { properties?: Record<string, unknown> }
        | undefined
    )?.properties;
    const key = JSON.stringify([
      'figures',
      request.routeOptions.url,
      request.params,
      Object.keys(query)
        .filter((name) => known === undefined || name in known)
        .sort()
        .map((name) => [name, query[name]]),
      audience,
    ]);
    return app.figureCache.shared(request, key, (signal) =>
      compute(app.database.cancellable(signal)),
    );
  }

  function periodStart(date: string, from: string | undefined) {
    const periodFrom = from ? reportingDate(from, 'from') : `${date.slice(0, 4)}-01-01`;
    if (periodFrom > date)
      throw invalidParameter(
        'from',
        from,
        { allowed: `ein Datum bis zum Stichtag ${date}` },
        { problem: `„${from}“ liegt nach „date“` },
      );
    return periodFrom;
  }

  app.get(
    '/api/v1/indicators',
    {
      config: { access: 'public', figureCache: true },
      schema: {
        querystring: Type.Object({
          date: IsoDate,
          from: Type.Optional(IsoDate),
          ...Filters,
          compare: Type.Optional(
            Type.String({
              pattern: '^(previous_year|\\d{4}-\\d{2}-\\d{2})$',
              description: 'Vergleich: previous_year (derselbe Tag ein Jahr früher) oder ein Datum',
            }),
          ),
          format: FormatParam,
        }),
        response: {
          200: IndicatorsAnswer,
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const date = reportingDate(query.date, 'date');
      const periodFrom = periodStart(date, query.from);
      const scope = { ...(await filtersOf(request, query)), date, periodFrom };
      const disclosure = await disclosureOf(request, scope);
      const applied = disclosure.audience;
      const counts = await countsOf(request);
      const { rows, comparison } = await figuresOnce(request, applied, async (db) => {
        const rows = await discloseIndicators(db, scope, disclosure, counts);
        let comparison:
          | { date: string; period: { from: string; to: string }; indicators: typeof rows }
          | undefined;
        if (query.compare) {
          const earlier =
            query.compare === 'previous_year'
              ? yearEarlier(date)
              : reportingDate(query.compare, 'compare');
          // The period moves with the date: the same stretch of the earlier year.
          const earlierFrom = query.from ? yearEarlier(periodFrom) : `${earlier.slice(0, 4)}-01-01`;
          const before = await discloseIndicators(
            db,
            { ...scope, date: earlier, periodFrom: [earlierFrom, earlier].sort()[0] as string },
            disclosure,
            counts,
          );
          comparison = {
            date: earlier,
            period: { from: earlierFrom, to: earlier },
            indicators: before,
          };
          for (const row of rows) {
            const old = before.find((b) => b.id === row.id);
            (row as typeof row & { change: number | null }).change =
              row.value === null || !old || old.value === null ? null : row.value - old.value;
          }
        }
        return { rows, comparison };
      });

      const format = negotiateFormat(request, query.format);
      const asOf = await asOfOnce(request, scope);
      if (format !== 'json') {
        type Row = (typeof rows)[number] & { change?: number | null };
        const kindOf = (r: Row) => VALUE_TYPES[r.kind as Indicator['kind']] ?? 'float';
        return sendTable<Row>(
          reply,
          format,
          `kennzahlen-${date}`,
          [
            { key: 'id', header: 'Kennzahl', value: (r) => r.id },
            { key: 'label', header: 'Bezeichnung', value: (r) => r.label },
            { key: 'kind', header: 'Art', value: (r) => r.kind, arrowOnly: true },
            { key: 'date', header: 'Stichtag', type: 'date', value: () => date },
            // Indicators of every kind in one column: floating point, each cell formatted by its kind.
            ...figureColumns<Row>('float', kindOf),
            ...(comparison
              ? [
                  {
                    key: 'change',
                    header: `Veränderung seit ${comparison.date}`,
                    type: 'float' as const,
                    cellType: kindOf,
                    value: (r: Row) => r.change ?? null,
                    suppressed: (r: Row) => r.change === null,
                  },
                ]
              : []),
          ],
          rows,
          {
            meta: {
              title: `Kennzahlen am ${formatDateDe(date)}`,
              stand: standOf(date, asOf),
              date,
              provisional: isAfter(date, asOf),
              notes: figureNotes(rows),
            },
            isTotal: () => false,
          },
        );
      }
      return {
        date,
        period: { from: periodFrom, to: date },
        district: scope.district ?? 'all',
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        data_as_of: asOf,
        indicators: rows,
        ...(comparison ? { comparison } : {}),
      };
    },
  );

  app.get(
    '/api/v1/indicators/:id/breakdown',
    {
      config: { access: 'public', figureCache: true },
      schema: {
        params: IndicatorParams,
        querystring: Type.Object({
          date: IsoDate,
          by: Dimension,
          from: Type.Optional(IsoDate),
          ...Filters,
          format: FormatParam,
        }),
        response: {
          200: BreakdownAnswer,
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const indicator = requireIndicator(request.params.id);
      const date = reportingDate(query.date, 'date');
      const scope = {
        ...(await filtersOf(request, query)),
        date,
        periodFrom: periodStart(date, query.from),
      };
      const disclosure = await disclosureOf(request, scope);
      const applied = disclosure.audience;
      const by = query.by as DimensionId;
      const directory = await directoryOf(request, scope.district);
      const counts = await countsOf(request);
      const report = await figuresOnce(request, applied, (db) =>
        discloseBreakdown(db, scope, indicator, by, directory, disclosure, counts),
      );
      const format = negotiateFormat(request, query.format);
      const asOf = await asOfOnce(request, scope);
      if (format !== 'json') {
        type Row = (typeof report.rows)[number];
        const total: Row = { key: 'total', label: 'Insgesamt', ...report.total };
        return sendTable<Row>(
          reply,
          format,
          `${indicator.id}-nach-${by}-${date}`,
          [
            { key: 'key', header: 'Schlüssel', value: (r) => r.key },
            { key: 'label', header: DIMENSIONS[by].label, value: (r) => r.label },
            ...figureColumns<Row>(VALUE_TYPES[indicator.kind]),
          ],
          [...report.rows, total],
          {
            meta: {
              title: `${indicator.label} nach ${DIMENSIONS[by].label}`,
              stand: standOf(date, asOf),
              date,
              provisional: isAfter(date, asOf),
              notes: figureNotes([...report.rows, report.total]),
            },
            isTotal: (r) => r === total,
          },
        );
      }
      return {
        indicator: indicator.id,
        label: indicator.label,
        date,
        by,
        by_label: DIMENSIONS[by].label,
        district: scope.district ?? 'all',
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        data_as_of: asOf,
        rows: report.rows,
        total: report.total,
      };
    },
  );

  app.get(
    '/api/v1/indicators/:id/crosstab',
    {
      config: { access: 'public', figureCache: true },
      schema: {
        params: IndicatorParams,
        querystring: Type.Object({
          date: IsoDate,
          rows: Dimension,
          columns: Dimension,
          from: Type.Optional(IsoDate),
          ...Filters,
          format: FormatParam,
        }),
        response: {
          200: CrossTableAnswer,
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const indicator = requireIndicator(request.params.id);
      const rowsBy = query.rows as DimensionId;
      const columnsBy = query.columns as DimensionId;
      if (rowsBy === columnsBy) {
        const others = DIMENSION_IDS.filter((id) => id !== rowsBy);
        throw invalidParameter(
          'columns',
          columnsBy,
          {
            allowed: `ein anderes Merkmal als „rows“: ${others.join(', ')}`,
            allowed_values: others,
          },
          { problem: `„${columnsBy}“ ist schon das Merkmal der Zeilen („rows“)` },
        );
      }
      const date = reportingDate(query.date, 'date');
      const scope = {
        ...(await filtersOf(request, query)),
        date,
        periodFrom: periodStart(date, query.from),
      };
      const disclosure = await disclosureOf(request, scope);
      const applied = disclosure.audience;
      const directory = await directoryOf(request, scope.district);
      const counts = await countsOf(request);
      const table = await figuresOnce(request, applied, (db) =>
        discloseCrossTable(db, scope, indicator, rowsBy, columnsBy, directory, disclosure, counts),
      );
      const format = negotiateFormat(request, query.format);
      if (format !== 'json') {
        // One line per row category; the columns' values side by side, then the row total.
        type Line = { key: string; label: string; figures: (typeof table.total)[] };
        const lines: Line[] = [
          ...table.rows.map((row, i) => ({
            ...row,
            figures: [...(table.cells[i] ?? []), table.rowTotals[i] as typeof table.total],
          })),
          { key: 'total', label: 'Insgesamt', figures: [...table.columnTotals, table.total] },
        ];
        const columns = [...table.columns, { key: 'total', label: 'Insgesamt' }];
        const asOf = await asOfOnce(request, scope);
        const figures = [
          ...table.cells.flat(),
          ...table.rowTotals,
          ...table.columnTotals,
          table.total,
        ];
        return sendTable<Line>(
          reply,
          format,
          `${indicator.id}-nach-${rowsBy}-und-${columnsBy}-${date}`,
          [
            { key: 'key', header: 'Schlüssel', value: (r) => r.key },
            { key: 'label', header: DIMENSIONS[rowsBy].label, value: (r) => r.label },
            ...columns.map(
              (column, j): TableColumn<Line> => ({
                key: `value_${column.key}`,
                header: column.label,
                type: VALUE_TYPES[indicator.kind],
                value: (r: Line) => r.figures[j]?.value ?? null,
                suppressed: (r: Line) => r.figures[j]?.suppressed === true,
              }),
            ),
          ],
          lines,
          {
            meta: {
              title: `${indicator.label} nach ${DIMENSIONS[rowsBy].label} und ${DIMENSIONS[columnsBy].label}`,
              stand: standOf(date, asOf),
              date,
              provisional: isAfter(date, asOf),
              notes: figureNotes(figures),
            },
            isTotal: (r) => r === lines.at(-1),
          },
        );
      }
      return {
        indicator: indicator.id,
        label: indicator.label,
        date,
        rows_by: rowsBy,
        columns_by: columnsBy,
        district: scope.district ?? 'all',
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        rows: table.rows,
        columns: table.columns,
        cells: table.cells,
        row_totals: table.rowTotals,
        column_totals: table.columnTotals,
        total: table.total,
      };
    },
  );

  app.get(
    '/api/v1/indicators/:id/series',
    {
      config: { access: 'public', figureCache: true },
      schema: {
        params: IndicatorParams,
        querystring: Type.Object({
          from: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'JJJJ-MM' }),
          to: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'JJJJ-MM' }),
          interval: Type.Optional(Interval),
          ...Filters,
          format: FormatParam,
        }),
        response: {
          200: SeriesAnswer,
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const indicator = requireIndicator(request.params.id);
      const interval = query.interval ?? 'month';
      if (query.from > query.to)
        throw invalidParameter(
          'to',
          query.to,
          { allowed: `ein Monat ab „from“ (${query.from}), als JJJJ-MM` },
          { problem: `„${query.to}“ liegt vor „from“` },
        );
      if (query.from < '2015-01')
        throw invalidParameter(
          'from',
          query.from,
          { allowed: 'ein Monat ab 2015-01, als JJJJ-MM' },
          { problem: `„${query.from}“ liegt vor Januar 2015, dem Beginn der Reihen` },
        );
      const points = seriesPoints(query.from, query.to, interval);
      if (points.length > 600)
        throw invalidParameter(
          'to',
          query.to,
          { allowed: 'höchstens 600 Zeitpunkte nach „from“' },
          { problem: `von „${query.from}“ bis „${query.to}“ sind es ${points.length} Zeitpunkte` },
        );
      const scope = { ...(await filtersOf(request, query)) };
      const disclosure = await disclosureOf(request, scope);
      const applied = disclosure.audience;
      const counts = await countsOf(request);
      const figures = await figuresOnce(request, applied, (db) =>
        discloseSeries(db, scope, indicator, points, disclosure, counts),
      );
      const rows = figures.map((figure, i) => ({
        period: points[i]?.period as string,
        ...figure,
      }));
      const format = negotiateFormat(request, query.format);
      const asOf = await asOfOnce(request, scope);
      if (format !== 'json') {
        type Row = (typeof rows)[number];
        const starts = new Map(points.map((point) => [point.period, point.periodFrom]));
        const last = rows.at(-1)?.date;
        const provisional = rows.some((r) => isAfter(r.date, asOf));
        return sendTable<Row>(
          reply,
          format,
          `${indicator.id}-${interval}-${query.from}-${query.to}`,
          [
            // A month or quarter as its first day (Date32), a year as a number; the CSV keeps the code.
            {
              key: 'period',
              header: 'Zeitraum',
              type: interval === 'year' ? 'year' : 'month',
              value: (r) => (interval === 'year' ? Number(r.period) : r.period),
              arrowValue: (r) =>
                interval === 'year' ? Number(r.period) : (starts.get(r.period) ?? null),
            },
            { key: 'date', header: 'Stichtag', type: 'date', value: (r) => r.date },
            ...figureColumns<Row>(VALUE_TYPES[indicator.kind]),
            {
              key: 'provisional',
              header: 'vorläufig',
              type: 'bool',
              value: (r) => isAfter(r.date, asOf),
            },
          ],
          rows,
          {
            meta: {
              title: `${indicator.label} je ${{ month: 'Monat', quarter: 'Quartal', year: 'Jahr' }[interval]}`,
              stand: `${last ? `Stand ${formatDateDe(last)}` : 'Stand'}${provisional && asOf ? `, vorläufig nach dem ${formatDateDe(asOf)}` : ''}`,
              ...(last ? { date: last } : {}),
              provisional,
              notes: figureNotes(rows),
            },
            isTotal: () => false,
          },
        );
      }
      return {
        indicator: indicator.id,
        label: indicator.label,
        interval,
        from: query.from,
        to: query.to,
        district: scope.district ?? 'all',
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        data_as_of: asOf,
        points: rows,
      };
    },
  );
};

export default indicators;
