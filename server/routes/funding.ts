// The funders' figures (Förderzeitraum): per year of a period and per provider, as JSON, CSV,
// XLSX or Arrow, disclosed for the caller's audience.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FormatParam, fundingAnswer } from '../../contract/api.ts';
import { END_REASONS } from '../../contract/vocabulary.ts';
import { audienceOf, disclosureAudience } from '../accounts/caller.ts';
import { rulesFor } from '../disclosure/disclose.ts';
import { formatDateDe } from '../import/validate.ts';
import { directoryCategories } from '../indicators/dimensions.ts';
import {
  FUNDING_FIGURES,
  type FundingRow,
  fundingDefinitions,
  fundingReport,
} from '../indicators/funding.ts';
import { invalidParameter } from '../plugins/errors.ts';
import { Filters, filtersOf } from './figure-scope.ts';
import { figureNotes, negotiateFormat, sendTable, type TableColumn } from './formats.ts';

/** Figures begin with the programme's forerunners; series start in the same year. */
export const FIRST_YEAR = 2015;
const MAX_YEARS = 20;
export const ALL_PROVIDERS = 'Alle Träger';

const YEARS = `ein Jahr als JJJJ, ab ${FIRST_YEAR}, z. B. 2018`;

function parseYear(value: string | undefined, name: string): number {
  if (value === undefined) throw invalidParameter(name, value, { allowed: YEARS });
  if (!/^\d{4}$/.test(value))
    throw invalidParameter(
      name,
      value,
      { allowed: YEARS },
      { problem: `„${value}“ ist kein Jahr` },
    );
  const year = Number(value);
  if (year < FIRST_YEAR)
    throw invalidParameter(
      name,
      value,
      { allowed: YEARS },
      { problem: `Zahlen gibt es ab dem Jahr ${FIRST_YEAR}, nicht für ${year}` },
    );
  return year;
}

const Year = Type.String({ maxLength: 16, description: 'Jahr als JJJJ, ab 2015' });
interface Line {
  year: number;
  provider: string | null;
  provider_label: string;
  from: string | null;
  to: string | null;
  complete: boolean;
  figures: FundingRow['figures'];
}

const COLUMNS: TableColumn<Line>[] = [
  { key: 'year', header: 'Jahr', type: 'year', value: (r) => r.year },
  { key: 'provider', header: 'Träger', value: (r) => r.provider ?? 'alle' },
  { key: 'provider_label', header: 'Bezeichnung', value: (r) => r.provider_label },
  { key: 'from', header: 'Zeitraum von', type: 'date', value: (r) => r.from },
  { key: 'to', header: 'Zeitraum bis (Stichtag)', type: 'date', value: (r) => r.to },
  { key: 'complete', header: 'Jahr vollständig', type: 'bool', value: (r) => r.complete },
  ...FUNDING_FIGURES.map(
    (figure): TableColumn<Line> => ({
      key: figure.id,
      header: figure.label,
      type: figure.kind === 'count' ? 'int' : figure.kind === 'share' ? 'share' : 'float',
      value: (r) => r.figures[figure.id]?.value ?? null,
      suppressed: (r) => r.figures[figure.id]?.suppressed === true,
    }),
  ),
  {
    // Arrow has no "." for a withheld value: this column names them.
    key: 'withheld',
    header: 'gesperrt',
    type: 'text',
    value: (r) =>
      FUNDING_FIGURES.filter((figure) => r.figures[figure.id]?.suppressed)
        .map((figure) => figure.id)
        .join(' '),
  },
];

const funding: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;

  app.get(
    '/api/v1/funding',
    {
      config: { access: 'public' },
      schema: {
        querystring: Type.Object({
          // Optional only so that a missing year gets a German answer from parseYear.
          from: Type.Optional(Year),
          to: Type.Optional(Year),
          ...Filters,
          format: FormatParam,
        }),
        response: {
          200: fundingAnswer(FUNDING_FIGURES.map((figure) => figure.id)),
        },
      },
    },
    async (request, reply) => {
      const { query } = request;
      const from = parseYear(query.from, 'from');
      const to = parseYear(query.to, 'to');
      if (to < from)
        throw invalidParameter(
          'to',
          query.to,
          { allowed: `ein Jahr ab „from“ (${from})` },
          { problem: `${to} liegt vor „from“` },
        );
      if (to - from >= MAX_YEARS)
        throw invalidParameter(
          'to',
          query.to,
          { allowed: `höchstens ${MAX_YEARS} Jahre ab „from“, also bis ${from + MAX_YEARS - 1}` },
          { problem: `von ${from} bis ${to} sind es ${to - from + 1} Jahre` },
        );
      const db = app.database.db;
      const scope = await filtersOf(db, config.district, query);
      const { providers } = await directoryCategories(db, scope.district);
      const applied = disclosureAudience(request.caller, scope, config.district);
      const report = await fundingReport(
        db,
        scope,
        { from, to },
        providers,
        applied,
        config.disclosure,
      );
      const rows: Line[] = report.rows.map((row) => ({
        year: row.year.year,
        provider: row.provider?.key ?? null,
        provider_label: row.provider?.label ?? ALL_PROVIDERS,
        from: row.year.from,
        to: row.year.to,
        complete: row.year.complete,
        figures: row.figures,
      }));
      const format = negotiateFormat(request, query.format);
      if (format !== 'json') {
        const name = `foerderzeitraum-${from}-${to}${scope.provider ? `-${scope.provider}` : ''}`;
        const who = scope.provider
          ? (providers.find((provider) => provider.key === scope.provider)?.label ?? scope.provider)
          : ALL_PROVIDERS;
        return sendTable(reply, format, name, COLUMNS, rows, {
          meta: {
            title: `Förderzeitraum ${from} bis ${to}, ${who}`,
            // Years count up to the exports' reach: no figure is for a later day.
            stand: report.asOf
              ? `Jahre ${from} bis ${to}, Stand der Daten ${formatDateDe(report.asOf)}`
              : `Jahre ${from} bis ${to}, noch keine Daten`,
            ...(report.asOf ? { date: report.asOf } : {}),
            provisional: false,
            notes: figureNotes(rows.flatMap((row) => Object.values(row.figures))),
          },
          // The lines for all providers are the total over them.
          isTotal: (r) => r.provider === null,
        });
      }
      return {
        from,
        to,
        as_of: report.asOf,
        district: scope.district ?? 'all',
        provider: scope.provider ?? null,
        audience: audienceOf(request.caller),
        rules: rulesFor(applied, config.disclosure),
        providers,
        end_reasons: END_REASONS.map(({ code, label }) => ({ key: code, label })),
        figures: fundingDefinitions(),
        rows,
      };
    },
  );
};

export default funding;
