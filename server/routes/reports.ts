// Published reports: an admin freezes an interim report; anyone reads it under its stable
// address, with the figures that today's data would show differently and the imports why.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { actorName, auditActor } from '../accounts/caller.ts';
import { recordAudit } from '../audit/audit-log.ts';
import { todayInBerlin } from '../dates.ts';
import { formatDateDe, parseDate } from '../import/validate.ts';
import { ProblemError } from '../plugins/errors.ts';
import { keyedFigures } from '../reports/content.ts';
import {
  findPublishedReport,
  isProvisional,
  listPublishedReports,
  publishReport,
  ReportConflict,
  ReportNotFound,
  reportChanges,
  withdrawReport,
} from '../reports/published-reports.ts';
import { figureNotes, negotiateFormat, sendTable } from './formats.ts';
import {
  FormatParam,
  Nullable,
  PublishedFigure,
  PublishedRules,
  ReportedFields,
} from './schemas.ts';

/** The programme began in 2018: no report is about an earlier day. */
const FIRST_DAY = '2018-01-01';

const FigureObject = Type.Object(PublishedFigure);
const Reported = Type.Object({ ...ReportedFields, ...PublishedFigure });

const Content = Type.Object({
  district: Type.String(),
  stichtag: Type.String(),
  beendet_bis: Type.String(),
  audience: Type.Literal('public'),
  rules: PublishedRules,
  caseload: Type.Array(Reported),
  closed: Type.Array(Reported),
  breakdowns: Type.Array(
    Type.Object({
      indicator: Type.String(),
      label: Type.String(),
      by: Type.String(),
      by_label: Type.String(),
      title: Type.String(),
      date: Type.String(),
      rows: Type.Array(
        Type.Object({ key: Type.String(), label: Type.String(), ...PublishedFigure }),
      ),
      total: FigureObject,
    }),
  ),
  trend: Nullable(
    Type.Object({
      indicator: Type.String(),
      label: Type.String(),
      title: Type.String(),
      from: Type.String(),
      to: Type.String(),
      points: Type.Array(
        Type.Object({ period: Type.String(), date: Type.String(), ...PublishedFigure }),
      ),
    }),
  ),
  definitions: Type.Array(
    Type.Object({
      id: Type.String(),
      label: Type.String(),
      definition: Type.String(),
      population: Type.String(),
    }),
  ),
  calculation: Type.String(),
  data_as_of: Nullable(Type.String()),
  provisional_dates: Type.Array(Type.String()),
  previous_year: Nullable(
    Type.Object({
      stichtag: Type.String(),
      beendet_bis: Type.String(),
      caseload: Type.Array(Reported),
      closed: Type.Array(Reported),
    }),
  ),
  imports: Type.Array(
    Type.Object({
      id: Type.String(),
      provider: Type.String(),
      as_of: Type.String(),
      checksum: Type.String(),
      file_name: Nullable(Type.String()),
      created_at: Type.String(),
    }),
  ),
});

const ReportLink = { slug: Type.String(), title: Type.String() };

const Summary = {
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  stichtag: Type.String(),
  beendet_bis: Type.String(),
  published_at: Type.String(),
  published_by: Type.String(),
  status: Type.Union([
    Type.Literal('current'),
    Type.Literal('withdrawn'),
    Type.Literal('superseded'),
  ]),
  provisional: Type.Boolean(),
  correction: Nullable(
    Type.Object({
      kind: Type.Union([Type.Literal('withdrawn'), Type.Literal('superseded')]),
      reason: Type.String(),
      corrected_at: Type.String(),
      corrected_by: Type.String(),
      successor: Nullable(Type.Object({ ...ReportLink, published_at: Type.String() })),
    }),
  ),
};

const Report = Type.Object({
  ...Summary,
  content: Content,
  supersedes: Type.Array(Type.Object(ReportLink)),
});

/** Why a correction is made: shown with the notice on the report, for good. */
const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '\\S',
  description: 'Begründung, öffentlich sichtbar',
});

const SlugParam = Type.String({ pattern: '^[a-z0-9-]{10,100}$' });

const Change = Type.Object({
  key: Type.String(),
  section: Type.String(),
  label: Type.String(),
  date: Type.String(),
  kind: Type.String(),
  published: FigureObject,
  today: FigureObject,
  providers: Type.Array(Type.String()),
  imports: Type.Array(
    Type.Object({
      id: Type.String(),
      provider: Type.String(),
      as_of: Type.String(),
      file_name: Nullable(Type.String()),
      created_at: Type.String(),
    }),
  ),
});

const invalid = (detail: string) => new ProblemError(400, 'Ungültige Anfrage', detail);

function reportDate(value: string, name: string, today: string): string {
  const date = parseDate(value);
  if (!date || value !== date)
    throw invalid(`Feld „${name}“: ${value} ist kein gültiges Datum (JJJJ-MM-TT).`);
  if (date < FIRST_DAY)
    throw invalid(
      `Feld „${name}“: ${formatDateDe(date)} liegt vor Beginn des Programms; bitte ein Datum ab ${formatDateDe(FIRST_DAY)} wählen.`,
    );
  if (date > today)
    throw invalid(
      `Feld „${name}“: ${formatDateDe(date)} liegt in der Zukunft; ein Bericht zeigt nur Zahlen vergangener Tage.`,
    );
  return date;
}

/** The domain's refusals as problems: 409 says what to confirm, 404 what exists. */
function asProblem(error: unknown): unknown {
  if (error instanceof ReportConflict)
    return new ProblemError(409, 'Bestätigung nötig', error.message, {
      ...(error.confirmation ? { confirmation: error.confirmation } : {}),
      ...error.details,
    });
  if (error instanceof ReportNotFound)
    return new ProblemError(404, 'Nicht gefunden', `${error.message} /api/v1/reports listet alle.`);
  return error;
}

const reports: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;
  const db = () => app.database.db;

  app.post(
    '/api/v1/reports',
    {
      config: { access: ['admin'] },
      schema: {
        body: Type.Object(
          {
            title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
            stichtag: Type.String({ description: 'Stichtag der betreuten Personen, JJJJ-MM-TT' }),
            beendet_bis: Type.String({ description: 'Beendete Fälle bis, JJJJ-MM-TT' }),
            provisional_confirmed: Type.Optional(
              Type.Boolean({
                description:
                  'Nötig, wenn ein Stichtag nach dem Stand der Exporte liegt: der Bericht wird dauerhaft als vorläufig gekennzeichnet',
              }),
            ),
            republish_confirmed: Type.Optional(
              Type.Boolean({
                description:
                  'Nötig, wenn es schon einen Bericht mit diesem Titel und diesen Stichtagen gibt',
              }),
            ),
            supersedes: Type.Optional(
              Type.String({
                pattern: '^[a-z0-9-]{10,100}$',
                description: 'Adresse (slug) des gültigen Berichts, den der neue ersetzt',
              }),
            ),
            reason: Type.Optional(Reason),
          },
          { additionalProperties: false },
        ),
        response: { 201: Report },
      },
    },
    async (request, reply) => {
      const { body } = request;
      const today = todayInBerlin();
      const stichtag = reportDate(body.stichtag, 'stichtag', today);
      const beendetBis = reportDate(body.beendet_bis, 'beendet_bis', today);
      if (beendetBis < stichtag)
        throw invalid(
          `Feld „beendet_bis“: ${formatDateDe(beendetBis)} liegt vor dem Stichtag ${formatDateDe(stichtag)}; beendete Fälle werden bis zu einem Tag am oder nach dem Stichtag gezählt.`,
        );
      if (body.supersedes && !body.reason)
        throw invalid(
          'Feld „reason“ fehlt: Wer einen Bericht ersetzt, sagt, warum; die Begründung steht dauerhaft beim alten Bericht.',
        );
      if (body.reason && !body.supersedes)
        throw invalid(
          'Feld „reason“ gehört zu „supersedes“: ohne einen ersetzten Bericht bitte weglassen.',
        );
      const publishedBy = actorName(request.caller) ?? 'unbekannt';
      const report = await publishReport(db(), {
        district: config.district,
        title: body.title.trim(),
        stichtag,
        beendetBis,
        publishedBy,
        rules: config.disclosure,
        provisionalConfirmed: body.provisional_confirmed === true,
        republishConfirmed: body.republish_confirmed === true,
        ...(body.supersedes && body.reason
          ? { supersedes: { slug: body.supersedes, reason: body.reason.trim() } }
          : {}),
      }).catch((error) => {
        throw asProblem(error);
      });
      const actor = auditActor(request.caller);
      await recordAudit(db(), {
        ...actor,
        action: 'report_published',
        target: report.slug,
        source: request.ip,
        detail: {
          id: report.id,
          title: report.title,
          stichtag,
          beendet_bis: beendetBis,
          provisional_dates: report.content.provisional_dates,
          ...(body.supersedes ? { supersedes: body.supersedes } : {}),
        },
      });
      for (const old of report.supersedes)
        await recordAudit(db(), {
          ...actor,
          action: 'report_superseded',
          target: old.slug,
          source: request.ip,
          detail: { successor: report.slug, reason: body.reason?.trim() },
        });
      return reply.status(201).send(report);
    },
  );

  app.post(
    '/api/v1/reports/:slug/withdrawal',
    {
      config: { access: ['admin'] },
      schema: {
        params: Type.Object({ slug: SlugParam }),
        body: Type.Object({ reason: Reason }, { additionalProperties: false }),
        response: { 201: Type.Object(Summary) },
      },
    },
    async (request, reply) => {
      const reason = request.body.reason.trim();
      const report = await withdrawReport(db(), {
        district: config.district,
        slug: request.params.slug,
        reason,
        withdrawnBy: actorName(request.caller) ?? 'unbekannt',
      }).catch((error) => {
        throw asProblem(error);
      });
      await recordAudit(db(), {
        ...auditActor(request.caller),
        action: 'report_withdrawn',
        target: report.slug,
        source: request.ip,
        detail: { id: report.id, title: report.title, reason },
      });
      return reply.status(201).send(report);
    },
  );

  app.get(
    '/api/v1/reports',
    {
      config: { access: 'public' },
      schema: {
        response: { 200: Type.Object({ reports: Type.Array(Type.Object(Summary)) }) },
      },
    },
    async () => ({ reports: await listPublishedReports(db(), config.district) }),
  );

  app.get(
    '/api/v1/reports/:slug',
    {
      config: { access: 'public' },
      schema: {
        params: Type.Object({ slug: SlugParam }),
        querystring: Type.Object({ format: FormatParam }),
        response: {
          200: Type.Object({
            ...Report.properties,
            checked_at: Type.String(),
            calculation_changed: Type.Boolean(),
            changes: Type.Array(Change),
          }),
        },
      },
    },
    async (request, reply) => {
      const stored = await findPublishedReport(db(), config.district, request.params.slug);
      if (!stored)
        throw new ProblemError(
          404,
          'Nicht gefunden',
          `Einen veröffentlichten Bericht „${request.params.slug}“ gibt es nicht; /api/v1/reports listet alle.`,
        );
      const { report } = stored;
      const format = negotiateFormat(request, request.query.format);
      if (format !== 'json') {
        // The frozen figures as one table; the comparison with today is in the JSON only.
        const rows = keyedFigures(report.content);
        return sendTable(
          reply,
          format,
          `bericht-${report.slug}`,
          [
            { key: 'key', header: 'Schlüssel', value: (r) => r.key },
            { key: 'label', header: 'Bezeichnung', value: (r) => r.label },
            { key: 'date', header: 'Stichtag', type: 'date', value: (r) => r.date },
            {
              key: 'value',
              header: 'Wert',
              type: 'float',
              cellType: (r) =>
                r.kind === 'share' ? 'share' : r.kind === 'count' ? 'int' : 'float',
              value: (r) => r.figure.value,
              suppressed: (r) => r.figure.suppressed,
            },
            {
              key: 'numerator',
              header: 'Zähler',
              type: 'int',
              value: (r) => r.figure.numerator,
              suppressed: (r) => r.figure.suppressed,
            },
            {
              key: 'denominator',
              header: 'Nenner',
              type: 'int',
              value: (r) => r.figure.denominator,
              suppressed: (r) => r.figure.suppressed && r.figure.denominator === null,
            },
            {
              key: 'suppressed',
              header: 'gesperrt',
              type: 'bool',
              value: (r) => r.figure.suppressed,
            },
            {
              key: 'provisional',
              header: 'vorläufig',
              type: 'bool',
              value: (r) => isProvisional(report.content, r.date),
            },
          ],
          rows,
          {
            meta: {
              title: report.title,
              stand: `Stand ${formatDateDe(report.content.stichtag)}, beendete Fälle bis ${formatDateDe(report.content.beendet_bis)}${report.provisional ? ', vorläufig' : ''}`,
              date: report.content.stichtag,
              provisional: report.provisional,
              notes: figureNotes(rows.map((r) => r.figure)),
            },
            isTotal: () => false,
          },
        );
      }
      return { ...report, ...(await reportChanges(db(), stored)) };
    },
  );
};

export default reports;
