// Published reports: an admin freezes an interim report; anyone reads it under its stable
// address, with the figures that today's data would show differently and the imports why.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  FormatParam,
  NewReport,
  PublishedReportAnswer,
  PublishedReportSummary,
  PublishedReportWithChanges,
  Reason,
  SlugParam,
} from '../../contract/api.ts';
import { todayInBerlin } from '../../contract/dates.ts';
import { actorName, auditActor } from '../accounts/caller.ts';
import { recordAudit } from '../audit/audit-log.ts';
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

/** The programme began in 2018: no report is about an earlier day. */
const FIRST_DAY = '2018-01-01';

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
        body: NewReport,
        response: { 201: PublishedReportAnswer },
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
        response: { 201: PublishedReportSummary },
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
        response: { 200: Type.Object({ reports: Type.Array(PublishedReportSummary) }) },
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
        response: { 200: PublishedReportWithChanges },
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
