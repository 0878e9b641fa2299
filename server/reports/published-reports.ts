// Published reports: frozen when an admin publishes them, read by anyone, and compared with
// today's data to say which figures would now read differently and which imports did that.

import { type Kysely, sql } from 'kysely';
import { asciiWords } from '../../contract/words.ts';
import type { CorrectionKind, Database } from '../db/types.ts';
import type { DisclosedFigure, DisclosureRules } from '../disclosure/disclose.ts';
import { dataAsOf } from '../indicators/case-facts.ts';
import type { RawFigure } from '../indicators/figures.ts';
import {
  computeReportFigures,
  type FigureSection,
  type KeyedFigure,
  keyedFigures,
  type ProviderValues,
  type PublishedImport,
  previousYearFigures,
  type ReportContent,
} from './content.ts';

export interface PublishRequest {
  district: string;
  title: string;
  stichtag: string;
  beendetBis: string;
  /** The account or token that publishes (audit-log naming). */
  publishedBy: string;
  /** The rules for the public at the time of publication; stored with the report. */
  rules: DisclosureRules;
  /** The publisher knows that figures for a date after the exports are provisional. */
  provisionalConfirmed?: boolean;
  /** The publisher knows that a report with this title and these dates exists already. */
  republishConfirmed?: boolean;
  /** A current report that the new one replaces, and why. */
  supersedes?: { slug: string; reason: string };
}

/** Who corrected a report, when, why, and (when superseded) by which report. */
export interface Correction {
  kind: CorrectionKind;
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
  /** current, or withdrawn / superseded by a correction. */
  status: 'current' | CorrectionKind;
  /** Some of its figures are for a date after the exports of the time: provisional. */
  provisional: boolean;
  correction: Correction | null;
}

export interface PublishedReport extends PublishedReportSummary {
  content: ReportContent;
  /** The reports this one replaced. */
  supersedes: { slug: string; title: string }[];
}

/**
 * Publishing or correcting is refused as the data stand: a report that must first be
 * confirmed (`confirmation` names the field that confirms it), or one already corrected.
 */
export class ReportConflict extends Error {
  constructor(
    message: string,
    readonly confirmation: 'provisional_confirmed' | 'republish_confirmed' | null,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

/** A report named in a request does not exist (in this district). */
export class ReportNotFound extends Error {}

const SLUG_WORDS = 60;

/** "Zwischenbilanz März 2021" on 2021-03-01 -> "2021-03-01-zwischenbilanz-maerz-2021". */
export function slugFor(date: string, title: string): string {
  const words = asciiWords(title);
  // Cut at a word boundary so that the address stays readable.
  const cut =
    words.length <= SLUG_WORDS ? words : words.slice(0, SLUG_WORDS).replace(/-[^-]*$/, '');
  return cut ? `${date}-${cut}` : date;
}

/** The slug, or the same with -2, -3, … if a report already has it. */
async function freeSlug(db: Kysely<Database>, base: string): Promise<string> {
  const taken = new Set(
    (
      await db
        .selectFrom('published_reports')
        .select('slug')
        .where((eb) => eb.or([eb('slug', '=', base), eb('slug', 'like', `${base}-%`)]))
        .execute()
    ).map((row) => row.slug),
  );
  let slug = base;
  for (let n = 2; taken.has(slug); n++) slug = `${base}-${n}`;
  return slug;
}

/** The imports whose data the figures are computed from: every stored snapshot. */
async function importsStored(db: Kysely<Database>, district: string): Promise<PublishedImport[]> {
  const rows = await db
    .selectFrom('imports')
    .select(['id', 'provider', 'as_of', 'checksum', 'file_name', 'created_at'])
    .where('district_key', '=', district)
    .where('status', '=', 'imported')
    .orderBy('provider')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({ ...row, created_at: row.created_at.toISOString() }));
}

/**
 * For reports stored before the date the exports reached was kept with them: the oldest of
 * the providers' newest imports they list, as dataAsOf computes it from the import log.
 */
export function dataAsOfOfImports(imports: readonly Pick<PublishedImport, 'provider' | 'as_of'>[]) {
  const newest = new Map<string, string>();
  for (const { provider, as_of } of imports)
    if ((newest.get(provider) ?? '') < as_of) newest.set(provider, as_of);
  const dates = [...newest.values()].sort();
  return dates[0] ?? null;
}

/** A figure of the report for `date` counts as open what was not reported yet. */
export const isProvisional = (content: Pick<ReportContent, 'data_as_of'>, date: string) =>
  content.data_as_of === null || date > content.data_as_of;

/** The report's dates that lie after the date the exports reach (all of them without any). */
export const provisionalDates = (dataAsOf: string | null, dates: readonly string[]) =>
  [...new Set(dates)].filter((date) => dataAsOf === null || date > dataAsOf).sort();

/** The content as stored, with the provisional mark derived for reports stored without it. */
function contentOf(stored: Record<string, unknown>): ReportContent {
  const content = stored as unknown as ReportContent;
  if (Array.isArray(content.provisional_dates)) return content;
  const dataAsOf = dataAsOfOfImports(content.imports);
  return {
    ...content,
    data_as_of: dataAsOf,
    provisional_dates: provisionalDates(dataAsOf, [content.stichtag, content.beendet_bis]),
    previous_year: null,
  };
}

const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

const summaryColumns = [
  'r.id',
  'r.slug',
  'r.title',
  'r.stichtag',
  'r.beendet_bis',
  'r.published_at',
  'r.published_by',
  'c.kind as correction_kind',
  'c.reason as correction_reason',
  'c.corrected_at',
  'c.corrected_by',
  's.slug as successor_slug',
  's.title as successor_title',
  's.published_at as successor_published_at',
] as const;

/** Reports with their correction (if any) and its successor (if any). */
const reportsWithCorrections = (db: Kysely<Database>, district: string) =>
  db
    .selectFrom('published_reports as r')
    .leftJoin('report_corrections as c', 'c.report_id', 'r.id')
    .leftJoin('published_reports as s', 's.id', 'c.successor_id')
    .where('r.district_key', '=', district);

interface SummaryRow {
  id: string;
  slug: string;
  title: string;
  stichtag: string;
  beendet_bis: string;
  published_at: Date;
  published_by: string;
  correction_kind: CorrectionKind | null;
  correction_reason: string | null;
  corrected_at: Date | null;
  corrected_by: string | null;
  successor_slug: string | null;
  successor_title: string | null;
  successor_published_at: Date | null;
}

function summaryOf(row: SummaryRow, content: ReportContent): PublishedReportSummary {
  const correction: Correction | null =
    row.correction_kind === null
      ? null
      : {
          kind: row.correction_kind,
          reason: row.correction_reason as string,
          corrected_at: (row.corrected_at as Date).toISOString(),
          corrected_by: row.corrected_by as string,
          successor:
            row.successor_slug === null
              ? null
              : {
                  slug: row.successor_slug,
                  title: row.successor_title as string,
                  published_at: (row.successor_published_at as Date).toISOString(),
                },
        };
  return {
    id: row.id,
    slug: row.slug,
    title: row.title,
    stichtag: row.stichtag,
    beendet_bis: row.beendet_bis,
    published_at: row.published_at.toISOString(),
    published_by: row.published_by,
    status: correction?.kind ?? 'current',
    provisional: content.provisional_dates.length > 0,
    correction,
  };
}

const dateDe = (iso: string) => `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
const STATUS_WORDS: Record<PublishedReportSummary['status'], string> = {
  current: 'gültig',
  withdrawn: 'zurückgezogen',
  superseded: 'ersetzt',
};

/** The reports that already carry this title (as its address spells it) and these dates. */
async function sameReports(
  db: Kysely<Database>,
  request: PublishRequest,
): Promise<PublishedReportSummary[]> {
  const base = slugFor(request.beendetBis, request.title);
  return (await listPublishedReports(db, request.district)).filter(
    (report) =>
      report.stichtag === request.stichtag &&
      report.beendet_bis === request.beendetBis &&
      slugFor(report.beendet_bis, report.title) === base &&
      report.slug !== request.supersedes?.slug,
  );
}

/** A current report of the district, to be corrected; refused when missing or corrected. */
async function currentReport(db: Kysely<Database>, district: string, slug: string) {
  const row = await reportsWithCorrections(db, district)
    .select(['r.id', 'r.slug', 'r.title', 'c.kind'])
    .where('r.slug', '=', slug)
    .forUpdate('r')
    .executeTakeFirst();
  if (!row) throw new ReportNotFound(`Einen veröffentlichten Bericht „${slug}“ gibt es nicht.`);
  if (row.kind !== null)
    throw new ReportConflict(
      `Der Bericht „${row.title}“ ist bereits ${STATUS_WORDS[row.kind]}; eine Korrektur gilt für immer und wird nicht ein zweites Mal eingetragen.`,
      null,
    );
  return row;
}

/**
 * Computes the report's figures and stores them with the imports they came from, all from
 * one snapshot of the data (an import committing meanwhile is either wholly in or out).
 * Refused (ReportConflict) while provisional figures or a report of the same title and dates
 * are not confirmed. A report it supersedes is marked so in the same transaction.
 */
export async function publishReport(
  db: Kysely<Database>,
  request: PublishRequest,
): Promise<PublishedReport> {
  const base = slugFor(request.beendetBis, request.title);
  for (let attempt = 1; ; attempt++) {
    try {
      return await db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const asOf = await dataAsOf(trx, { district: request.district });
          const provisional = provisionalDates(asOf, [request.stichtag, request.beendetBis]);
          if (provisional.length > 0 && !request.provisionalConfirmed)
            throw new ReportConflict(
              `${asOf === null ? 'Es ist noch kein Export der Träger eingespielt' : `Die Exporte der Träger reichen bis ${dateDe(asOf)}`}: Für ${provisional.map(dateDe).join(' und ')} zählen Fälle als laufend, deren Ende noch nicht gemeldet ist. Die Zahlen sind vorläufig, und der Bericht bliebe für immer als „vorläufig“ gekennzeichnet. Zum Veröffentlichen das ausdrücklich bestätigen (provisional_confirmed: true) oder einen Stichtag bis ${asOf === null ? 'zum Stand der Exporte' : dateDe(asOf)} wählen.`,
              'provisional_confirmed',
              { data_as_of: asOf, provisional_dates: provisional },
            );
          const predecessor = request.supersedes
            ? await currentReport(trx, request.district, request.supersedes.slug)
            : undefined;
          const same = await sameReports(trx, request);
          if (same.length > 0 && !request.republishConfirmed)
            throw new ReportConflict(
              `Einen Bericht „${request.title}“ mit Stichtag ${dateDe(request.stichtag)} und beendeten Fällen bis ${dateDe(request.beendetBis)} gibt es schon: ${same.map((report) => `${report.slug} (veröffentlicht am ${dateDe(report.published_at.slice(0, 10))}, ${STATUS_WORDS[report.status]})`).join('; ')}. Zum Ersetzen supersedes mit dem alten Bericht und reason angeben; für einen zweiten Bericht daneben republish_confirmed: true senden.`,
              'republish_confirmed',
              {
                existing: same.map(({ slug, title, published_at, status }) => ({
                  slug,
                  title,
                  published_at,
                  status,
                })),
              },
            );
          const { figures, providerValues } = await computeReportFigures(trx, {
            district: request.district,
            stichtag: request.stichtag,
            beendetBis: request.beendetBis,
            rules: request.rules,
          });
          const content: ReportContent = {
            ...figures,
            imports: await importsStored(trx, request.district),
            data_as_of: asOf,
            provisional_dates: provisional,
            previous_year: await previousYearFigures(trx, {
              district: request.district,
              stichtag: request.stichtag,
              beendetBis: request.beendetBis,
              rules: request.rules,
            }),
          };
          const row = await trx
            .insertInto('published_reports')
            .values({
              district_key: request.district,
              slug: await freeSlug(trx, base),
              title: request.title,
              stichtag: request.stichtag,
              beendet_bis: request.beendetBis,
              published_by: request.publishedBy,
              content: JSON.stringify(content),
              provider_values: JSON.stringify(providerValues),
            })
            .returning(['id', 'slug', 'published_at'])
            .executeTakeFirstOrThrow();
          if (predecessor && request.supersedes)
            await trx
              .insertInto('report_corrections')
              .values({
                report_id: predecessor.id,
                kind: 'superseded',
                successor_id: row.id,
                reason: request.supersedes.reason,
                corrected_by: request.publishedBy,
              })
              .execute();
          return {
            id: row.id,
            slug: row.slug,
            title: request.title,
            stichtag: request.stichtag,
            beendet_bis: request.beendetBis,
            published_at: row.published_at.toISOString(),
            published_by: request.publishedBy,
            status: 'current',
            provisional: provisional.length > 0,
            correction: null,
            content,
            supersedes: predecessor ? [{ slug: predecessor.slug, title: predecessor.title }] : [],
          };
        });
    } catch (error) {
      // Another report took the same address in the meantime: take the next one.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/** Withdraws a current report for good: it stays readable, with the notice and the reason. */
export async function withdrawReport(
  db: Kysely<Database>,
  request: { district: string; slug: string; reason: string; withdrawnBy: string },
): Promise<PublishedReportSummary> {
  try {
    await db.transaction().execute(async (trx) => {
      const report = await currentReport(trx, request.district, request.slug);
      await trx
        .insertInto('report_corrections')
        .values({
          report_id: report.id,
          kind: 'withdrawn',
          successor_id: null,
          reason: request.reason,
          corrected_by: request.withdrawnBy,
        })
        .execute();
    });
  } catch (error) {
    // Corrected by someone else in the same moment: the report is no longer current.
    if (isUniqueViolation(error)) return withdrawReport(db, request);
    throw error;
  }
  const found = await findPublishedReport(db, request.district, request.slug);
  return found?.report as PublishedReport;
}

/** Current reports first, then the corrected ones; each group newest first. */
export async function listPublishedReports(
  db: Kysely<Database>,
  district: string,
): Promise<PublishedReportSummary[]> {
  const rows = await reportsWithCorrections(db, district)
    .select([
      ...summaryColumns,
      sql<Record<string, unknown>>`jsonb_build_object(
        'stichtag', r.content->'stichtag', 'beendet_bis', r.content->'beendet_bis',
        'imports', r.content->'imports', 'data_as_of', r.content->'data_as_of',
        'provisional_dates', r.content->'provisional_dates')`.as('provisional'),
    ])
    .orderBy(sql`c.id IS NULL`, 'desc')
    .orderBy('r.published_at', 'desc')
    .orderBy('r.id', 'desc')
    .execute();
  return rows.map(({ provisional, ...row }) => summaryOf(row, contentOf(provisional)));
}

export interface StoredReport {
  report: PublishedReport;
  /** Internal: for reportChanges only, never to be sent. */
  providerValues: ProviderValues;
}

export async function findPublishedReport(
  db: Kysely<Database>,
  district: string,
  slug: string,
): Promise<StoredReport | undefined> {
  const row = await reportsWithCorrections(db, district)
    .select([...summaryColumns, 'r.content', 'r.provider_values'])
    .where('r.slug', '=', slug)
    .executeTakeFirst();
  if (!row) return undefined;
  const { content: stored, provider_values, ...summary } = row;
  const content = contentOf(stored);
  const supersedes = await db
    .selectFrom('report_corrections as c')
    .innerJoin('published_reports as p', 'p.id', 'c.report_id')
    .select(['p.slug', 'p.title'])
    .where('c.successor_id', '=', summary.id)
    .orderBy('p.published_at')
    .execute();
  return {
    report: { ...summaryOf(summary, content), content, supersedes },
    providerValues: provider_values as unknown as ProviderValues,
  };
}

/**
 * An import stored after the report was published. Its case counts stay in the import log:
 * a public page must not say that one case was added.
 */
export interface ImportSince {
  id: string;
  provider: string;
  as_of: string;
  file_name: string | null;
  created_at: string;
}

export interface FigureChange {
  key: string;
  section: FigureSection;
  label: string;
  date: string;
  kind: KeyedFigure['kind'];
  published: DisclosedFigure;
  today: DisclosedFigure;
  /** The providers whose own value of the figure (or of its table) differs from then. */
  providers: string[];
  /** Those providers' imports since publication, oldest first. */
  imports: ImportSince[];
}

export interface ReportChanges {
  checked_at: string;
  /** The SQL that computes the figures is not the one the report was computed by. */
  calculation_changed: boolean;
  changes: FigureChange[];
}

const sameDisclosed = (a: DisclosedFigure, b: DisclosedFigure) =>
  a.suppressed === b.suppressed &&
  a.value === b.value &&
  a.numerator === b.numerator &&
  a.denominator === b.denominator;

/** A provider without cases has no row: the same as zeros. */
const sameRaw = (a: RawFigure | undefined, b: RawFigure | undefined) =>
  (a?.value ?? 0) === (b?.value ?? 0) &&
  (a?.numerator ?? 0) === (b?.numerator ?? 0) &&
  (a?.denominator ?? 0) === (b?.denominator ?? 0);

function providersChanged(
  then: Record<string, RawFigure> | undefined,
  now: Record<string, RawFigure> | undefined,
): string[] {
  const providers = new Set([...Object.keys(then ?? {}), ...Object.keys(now ?? {})]);
  return [...providers].filter((p) => !sameRaw(then?.[p], now?.[p])).sort();
}

/**
 * The published figures that today's data, under the report's own rules and for the same
 * public, would show differently (value or suppression), each with the providers whose own
 * value changed and their imports since publication. A figure whose suppression changed
 * only because another figure of its table did is put down to that figure's providers.
 */
export async function reportChanges(
  db: Kysely<Database>,
  stored: StoredReport,
): Promise<ReportChanges> {
  const { content } = stored.report;
  const { today, newImports } = await db
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (trx) => {
      const today = await computeReportFigures(trx, {
        district: content.district,
        stichtag: content.stichtag,
        beendetBis: content.beendet_bis,
        rules: content.rules,
      });
      const used = content.imports.map((i) => i.id);
      let query = trx
        .selectFrom('imports')
        .select(['id', 'provider', 'as_of', 'file_name', 'created_at'])
        .where('district_key', '=', content.district)
        .where('status', '=', 'imported')
        .orderBy('id');
      if (used.length > 0) query = query.where('id', 'not in', used);
      return { today, newImports: await query.execute() };
    });

  const now = new Map(keyedFigures(today.figures).map((figure) => [figure.key, figure]));
  const published = keyedFigures(content);
  const providersOf = (key: string) =>
    providersChanged(stored.providerValues[key], today.providerValues[key]);
  const changes: FigureChange[] = [];
  for (const figure of published) {
    const current: DisclosedFigure = now.get(figure.key)?.figure ?? {
      value: 0,
      numerator: null,
      denominator: null,
      suppressed: false,
      protection: 'perturbed',
    };
    if (sameDisclosed(figure.figure, current)) continue;
    let providers = providersOf(figure.key);
    if (providers.length === 0) {
      const table = published.filter((other) => other.table === figure.table);
      providers = [...new Set(table.flatMap((other) => providersOf(other.key)))].sort();
    }
    changes.push({
      key: figure.key,
      section: figure.section,
      label: figure.label,
      date: figure.date,
      kind: figure.kind,
      published: figure.figure,
      today: current,
      providers,
      imports: newImports
        .filter((i) => providers.includes(i.provider))
        .map((i) => ({ ...i, created_at: i.created_at.toISOString() })),
    });
  }
  return {
    checked_at: new Date().toISOString(),
    calculation_changed: content.calculation !== today.figures.calculation,
    changes,
  };
}
