// Data quality for the district office and the providers (server/indicators/quality.ts):
// internal figures, so nothing is suppressed, but only aggregates by provider leave. A
// provider's account sees its own provider only. JSON with every table, or one table
// (`table=`) as CSV, XLSX or Arrow.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FormatParam, IsoDate, QualityAnswer, QualityTable } from '../../contract/api.ts';
import { todayInBerlin } from '../../contract/dates.ts';
import { formatDateDe, parseDate } from '../import/validate.ts';
import { dataAsOf } from '../indicators/case-facts.ts';
import {
  type CompletenessRow,
  type CompletenessRule,
  columnCompleteness,
  DELIVERY_INTERVAL,
  type DurationRow,
  type Part,
  providersInScope,
  qualityOnDate,
  type SnapshotRow,
  type SnapshotState,
  type StatusUnknownRow,
  snapshotDelivery,
} from '../indicators/quality.ts';
import { ProblemError } from '../plugins/errors.ts';
import { type Format, negotiateFormat, sendTable, type TableColumn } from './formats.ts';

const TABLES = ['completeness', 'status', 'duration', 'snapshots'] as const;
type TableName = (typeof TABLES)[number];

const RULE_LABELS: Record<CompletenessRule, string> = {
  required: 'Pflicht',
  conditional: 'Pflicht, wenn zugehörige Angabe gesetzt',
  optional: 'freiwillig',
};

const STATE_LABELS: Record<SnapshotState, string> = {
  current: 'aktuell',
  overdue: 'überfällig',
  none: 'kein Export',
};

/** Today in Germany: the reporting date while no export is stored. */

const germanDate = (iso: string | null) =>
  iso === null ? null : `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;

const berlinTime = new Intl.DateTimeFormat('de-DE', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/Berlin',
});

const TOTAL = 'Insgesamt';
const providerColumn = <Row extends { provider: string | null }>(): TableColumn<Row> => ({
  key: 'provider',
  header: 'Träger',
  value: (r) => r.provider ?? TOTAL,
});

/** Three columns for a part: population, count, share. */
function partColumns<Row>(
  key: string,
  header: string,
  get: (row: Row) => Part,
  populationHeader?: string,
): TableColumn<Row>[] {
  return [
    ...(populationHeader
      ? [
          {
            key: `${key}_cases`,
            header: populationHeader,
            type: 'int' as const,
            value: (r: Row) => get(r).cases,
          },
        ]
      : []),
    { key: `${key}_count`, header, type: 'int', value: (r) => get(r).count },
    {
      key: `${key}_share`,
      header: `${header} (Anteil)`,
      type: 'share',
      value: (r) => get(r).share,
    },
  ];
}

const COMPLETENESS_COLUMNS: TableColumn<CompletenessRow>[] = [
  { key: 'column', header: 'Spalte', value: (r) => r.column },
  { key: 'alias', header: 'Spalte (deutsch)', value: (r) => r.alias },
  { key: 'label', header: 'Angabe', value: (r) => r.label },
  { key: 'rule', header: 'Regel', value: (r) => RULE_LABELS[r.rule] },
  { key: 'population', header: 'Grundgesamtheit', value: (r) => r.population },
  providerColumn(),
  { key: 'cases', header: 'Fälle', type: 'int', value: (r) => r.cases },
  { key: 'count', header: 'mit Angabe', type: 'int', value: (r) => r.count },
  { key: 'share', header: 'Anteil mit Angabe', type: 'share', value: (r) => r.share },
];

const STATUS_COLUMNS: TableColumn<StatusUnknownRow>[] = [
  providerColumn(),
  ...partColumns<StatusUnknownRow>(
    'language_level',
    'Sprachniveau unbekannt',
    (r) => r.active.language_level,
    'laufende Fälle',
  ),
  ...partColumns<StatusUnknownRow>(
    'employment',
    'Beschäftigung unbekannt',
    (r) => r.active.employment,
  ),
  ...partColumns<StatusUnknownRow>('housing', 'Wohnsituation unbekannt', (r) => r.active.housing),
  ...partColumns<StatusUnknownRow>(
    'adult_language_level',
    'Erwachsene: Sprachniveau unbekannt',
    (r) => r.adult.language_level,
    'laufende Fälle Erwachsener',
  ),
  ...partColumns<StatusUnknownRow>(
    'adult_employment',
    'Erwachsene: Beschäftigung unbekannt',
    (r) => r.adult.employment,
  ),
];

const DURATION_COLUMNS: TableColumn<DurationRow>[] = [
  providerColumn(),
  { key: 'active', header: 'laufende Fälle', type: 'int', value: (r) => r.active },
  ...partColumns<DurationRow>('over_three_years', 'über 3 Jahre', (r) => r.over_three_years),
  ...partColumns<DurationRow>('over_four_years', 'über 4 Jahre', (r) => r.over_four_years),
];

/** Dates as German Excel reads them in the CSV, typed (Date32, Excel dates) elsewhere. */
function snapshotColumns(format: Exclude<Format, 'json'>): TableColumn<SnapshotRow>[] {
  const csv = format === 'csv';
  const day = (iso: string | null) => (csv ? germanDate(iso) : iso);
  return [
    providerColumn(),
    { key: 'name', header: 'Name', value: (r) => r.name },
    {
      key: 'latest_as_of',
      header: 'Neuester Stand',
      type: csv ? 'text' : 'date',
      value: (r) => day(r.latest_as_of),
    },
    {
      key: 'imported_at',
      header: 'Eingegangen',
      type: csv ? 'text' : 'timestamp',
      value: (r) =>
        r.imported_at !== null && csv ? berlinTime.format(new Date(r.imported_at)) : r.imported_at,
    },
    {
      key: 'next_due',
      header: 'Nächster Stand fällig bis',
      type: csv ? 'text' : 'date',
      value: (r) => day(r.next_due),
    },
    { key: 'state', header: 'Lieferung', value: (r) => STATE_LABELS[r.state] },
    {
      key: 'days_overdue',
      header: 'Tage überfällig',
      type: 'int',
      value: (r) => r.days_overdue,
    },
  ];
}

const quality: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;

  app.get(
    '/api/v1/quality',
    {
      config: { access: ['admin', 'provider'] },
      schema: {
        querystring: Type.Object({
          date: Type.Optional(IsoDate),
          table: Type.Optional(QualityTable),
          format: FormatParam,
        }),
        response: {
          200: QualityAnswer,
        },
      },
    },
    async (request, reply) => {
      const { caller } = request;
      const asked = request.query.date === undefined ? undefined : parseDate(request.query.date);
      if (request.query.date !== undefined && !asked)
        throw new ProblemError(
          400,
          'Ungültige Anfrage',
          `Parameter „date“: ${request.query.date} ist kein gültiges Datum (JJJJ-MM-TT).`,
        );
      const format = negotiateFormat(request, request.query.format);
      const table = request.query.table;
      if (format !== 'json' && table === undefined)
        throw new ProblemError(
          400,
          'Ungültige Anfrage',
          `Parameter „table“ fehlt: als CSV, XLSX oder Arrow bitte eine Tabelle wählen (${TABLES.join(', ')}).`,
        );

      // A provider's account sees its own provider only; one bound to none sees nothing.
      const ownProvider =
        caller.kind !== 'anonymous' && caller.role === 'provider' ? caller.provider : undefined;
      if (ownProvider === null)
        throw new ProblemError(
          403,
          'Keine Berechtigung',
          'Dieses Trägerkonto ist keinem Träger zugeordnet. Bitte die Koordination im Landratsamt fragen.',
        );
      const scope = { district: config.district, provider: ownProvider };
      const db = app.database.db;
      // By default the day the exports reach: later, every provider would read as overdue
      // and every open case as running on, only because the next export is not in yet.
      const date = asked ?? (await dataAsOf(db, scope)) ?? todayInBerlin();
      const need = (name: TableName) => format === 'json' || table === name;
      const [providers, completeness, onDate, snapshots] = await Promise.all([
        providersInScope(db, scope),
        need('completeness') ? columnCompleteness(db, scope) : [],
        need('status') || need('duration')
          ? qualityOnDate(db, scope, date)
          : { statusUnknown: [], duration: [] },
        need('snapshots') ? snapshotDelivery(db, scope, date) : [],
      ]);

      if (format !== 'json') {
        const name = `datenqualitaet-${table}-${date}`;
        const options = (title: string) => ({
          meta: {
            title: `Datenqualität: ${title}`,
            stand: `Stand ${formatDateDe(date)}`,
            date,
            source:
              'Quelle: Fallexporte der Träger des Integrationsmanagements; interne Auswertung (Zwischenbilanz), nur für Landratsamt und Träger',
          },
          // The line without a provider sums up the providers.
          isTotal: (r: { provider: string | null }) => r.provider === null,
        });
        switch (table) {
          case 'completeness':
            return sendTable(
              reply,
              format,
              name,
              COMPLETENESS_COLUMNS,
              completeness,
              options('Vollständigkeit der Angaben'),
            );
          case 'status':
            return sendTable(
              reply,
              format,
              name,
              STATUS_COLUMNS,
              onDate.statusUnknown,
              options('Lage unbekannt'),
            );
          case 'duration':
            return sendTable(
              reply,
              format,
              name,
              DURATION_COLUMNS,
              onDate.duration,
              options('Betreuungsdauer'),
            );
          case 'snapshots':
            return sendTable(reply, format, name, snapshotColumns(format), snapshots, {
              ...options('Lieferung der Exporte'),
              isTotal: () => false,
            });
        }
      }
      return {
        date,
        provider: scope.provider ?? null,
        providers,
        delivery_rule: {
          months: DELIVERY_INTERVAL.months,
          grace_days: DELIVERY_INTERVAL.graceDays,
          description: `Erwartet wird mindestens ein Stand je Quartal; er muss ${DELIVERY_INTERVAL.graceDays / 7} Wochen nach seinem Stichtag vorliegen. Überfällig ist ein Träger, dessen neuester Stand mehr als ${DELIVERY_INTERVAL.months} Monate und ${DELIVERY_INTERVAL.graceDays / 7} Wochen zurückliegt.`,
        },
        completeness,
        status_unknown: onDate.statusUnknown,
        duration: onDate.duration,
        snapshots,
      };
    },
  );
};

export default quality;
