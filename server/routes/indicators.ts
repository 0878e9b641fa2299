import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { audienceOf, disclosureAudience } from '../accounts/caller.ts';
import { rulesFor } from '../disclosure/disclose.ts';
import { parseDate } from '../import/validate.ts';
import {
  DIMENSION_IDS,
  DIMENSIONS,
  type DimensionId,
  registryCategories,
} from '../indicators/dimensions.ts';
import { findIndicator } from '../indicators/registry.ts';
import { breakdownReport, indicatorReport } from '../indicators/report.ts';
import { ProblemError } from '../plugins/errors.ts';
import { negotiateFormat, sendTable, type TableColumn } from './formats.ts';
import { Figure, FormatParam, IsoDate, Rules } from './schemas.ts';

function reportingDate(value: string, name: string): string {
  const date = parseDate(value);
  if (!date)
    throw new ProblemError(
      400,
      'Ungültige Anfrage',
      `Parameter „${name}“: ${value} ist kein gültiges Datum (JJJJ-MM-TT).`,
    );
  return date;
}

const Reported = Type.Object({
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  kind: Type.String(),
  ...Figure,
});

const figureColumns = <
  Row extends {
    value: number | null;
    numerator: number | null;
    denominator: number | null;
    suppressed: boolean;
  },
>(): TableColumn<Row>[] => [
  { key: 'value', header: 'Wert', value: (r) => r.value, suppressed: (r) => r.suppressed },
  {
    key: 'numerator',
    header: 'Zähler',
    value: (r) => r.numerator,
    suppressed: (r) => r.suppressed,
  },
  {
    key: 'denominator',
    header: 'Nenner',
    value: (r) => r.denominator,
    suppressed: (r) => r.suppressed && r.denominator === null,
  },
  { key: 'suppressed', header: 'gesperrt', value: (r) => (r.suppressed ? 'ja' : 'nein') },
];

const indicators: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const db = () => app.database.db;

  app.get(
    '/api/v1/indicators',
    {
      config: { access: 'public' },
      schema: {
        querystring: Type.Object({
          date: IsoDate,
          from: Type.Optional(IsoDate),
          provider: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{2,16}$' })),
          municipality: Type.Optional(Type.String({ pattern: '^\\d{8}$' })),
          format: FormatParam,
        }),
        response: {
          200: Type.Object({
            date: Type.String(),
            period: Type.Object({ from: Type.String(), to: Type.String() }),
            district: Type.String(),
            audience: Type.String(),
            rules: Rules,
            indicators: Type.Array(Reported),
          }),
        },
      },
    },
    async (request, reply) => {
      const date = reportingDate(request.query.date, 'date');
      const periodFrom = request.query.from
        ? reportingDate(request.query.from, 'from')
        : `${date.slice(0, 4)}-01-01`;
      if (periodFrom > date)
        throw new ProblemError(
          400,
          'Ungültige Anfrage',
          'Parameter „from“ muss vor oder auf „date“ liegen.',
        );
      const scope = {
        district: config.district,
        date,
        periodFrom,
        provider: request.query.provider,
        municipality: request.query.municipality,
      };
      const applied = disclosureAudience(request.caller, scope);
      const rows = await indicatorReport(db(), scope, applied, config.disclosure);
      const format = negotiateFormat(request, request.query.format);
      if (format !== 'json') {
        return sendTable(
          reply,
          format,
          `kennzahlen-${date}`,
          [
            { key: 'id', header: 'Kennzahl', value: (r) => r.id },
            { key: 'label', header: 'Bezeichnung', value: (r) => r.label },
            { key: 'date', header: 'Stichtag', value: () => date },
            ...figureColumns<(typeof rows)[number]>(),
          ],
          rows,
        );
      }
      return {
        date,
        period: { from: periodFrom, to: date },
        district: config.district,
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        indicators: rows,
      };
    },
  );

  app.get(
    '/api/v1/indicators/:id/breakdown',
    {
      config: { access: 'public' },
      schema: {
        params: Type.Object({ id: Type.String({ pattern: '^[a-z0-9_]{1,64}$' }) }),
        querystring: Type.Object({
          date: IsoDate,
          by: Type.Union(DIMENSION_IDS.map((id) => Type.Literal(id))),
          from: Type.Optional(IsoDate),
          format: FormatParam,
        }),
        response: {
          200: Type.Object({
            indicator: Type.String(),
            label: Type.String(),
            date: Type.String(),
            by: Type.String(),
            by_label: Type.String(),
            audience: Type.String(),
            rules: Rules,
            rows: Type.Array(Type.Object({ key: Type.String(), label: Type.String(), ...Figure })),
            total: Type.Object(Figure),
          }),
        },
      },
    },
    async (request, reply) => {
      const indicator = findIndicator(request.params.id);
      if (!indicator)
        throw new ProblemError(
          404,
          'Nicht gefunden',
          `Die Kennzahl „${request.params.id}“ gibt es nicht; /api/v1/indicators listet alle.`,
        );
      const date = reportingDate(request.query.date, 'date');
      const periodFrom = request.query.from
        ? reportingDate(request.query.from, 'from')
        : `${date.slice(0, 4)}-01-01`;
      const applied = disclosureAudience(request.caller, {});
      const by = request.query.by as DimensionId;
      const report = await breakdownReport(
        db(),
        { district: config.district, date, periodFrom },
        indicator,
        by,
        await registryCategories(db(), config.district),
        applied,
        config.disclosure,
      );
      const format = negotiateFormat(request, request.query.format);
      if (format !== 'json') {
        return sendTable(
          reply,
          format,
          `${indicator.id}-nach-${by}-${date}`,
          [
            { key: 'key', header: 'Schlüssel', value: (r) => r.key },
            { key: 'label', header: DIMENSIONS[by].label, value: (r) => r.label },
            ...figureColumns<(typeof report.rows)[number]>(),
          ],
          [...report.rows, { key: 'total', label: 'Insgesamt', ...report.total }],
        );
      }
      return {
        indicator: indicator.id,
        label: indicator.label,
        date,
        by,
        by_label: DIMENSIONS[by].label,
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        rows: report.rows,
        total: report.total,
      };
    },
  );
};

export default indicators;
