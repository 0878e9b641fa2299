// Published reports: frozen when an admin publishes them, read by anyone, and compared with
// today's data to say which figures would now read differently and which imports did that.
import type { Kysely } from 'kysely';
import type { Database } from '../db/types.ts';
import type { DisclosedFigure, DisclosureRules } from '../disclosure/disclose.ts';
import type { RawFigure } from '../indicators/figures.ts';
import {
  computeReportFigures,
  type FigureSection,
  type KeyedFigure,
  keyedFigures,
  type ProviderValues,
  type PublishedImport,
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
}

export interface PublishedReportSummary {
  id: string;
  slug: string;
  title: string;
  stichtag: string;
  beendet_bis: string;
  published_at: string;
  published_by: string;
}

export interface PublishedReport extends PublishedReportSummary {
  content: ReportContent;
}

const SLUG_WORDS = 60;
const UMLAUTS: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss' };

/** "Zwischenbilanz März 2021" on 2021-03-01 -> "2021-03-01-zwischenbilanz-maerz-2021". */
export function slugFor(date: string, title: string): string {
  const words = title
    .toLowerCase()
    .replace(/[äöüß]/g, (letter) => UMLAUTS[letter] as string)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
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

const isUniqueViolation = (error: unknown) =>
  typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';

const summaryColumns = [
  'id',
  'slug',
  'title',
  'stichtag',
  'beendet_bis',
  'published_at',
  'published_by',
] as const;

const summaryOf = (row: {
  id: string;
  slug: string;
  title: string;
  stichtag: string;
  beendet_bis: string;
  published_at: Date;
  published_by: string;
}): PublishedReportSummary => ({ ...row, published_at: row.published_at.toISOString() });

/**
 * Computes the report's figures and stores them with the imports they came from, all from
 * one snapshot of the data (an import committing meanwhile is either wholly in or out).
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
          const { figures, providerValues } = await computeReportFigures(trx, {
            district: request.district,
            stichtag: request.stichtag,
            beendetBis: request.beendetBis,
            rules: request.rules,
          });
          const content: ReportContent = {
            ...figures,
            imports: await importsStored(trx, request.district),
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
            .returning(summaryColumns)
            .executeTakeFirstOrThrow();
          return { ...summaryOf(row), content };
        });
    } catch (error) {
      // Another report took the same address in the meantime: take the next one.
      if (isUniqueViolation(error) && attempt < 3) continue;
      throw error;
    }
  }
}

/** Newest first. */
export async function listPublishedReports(
  db: Kysely<Database>,
  district: string,
): Promise<PublishedReportSummary[]> {
  const rows = await db
    .selectFrom('published_reports')
    .select(summaryColumns)
    .where('district_key', '=', district)
    .orderBy('published_at', 'desc')
    .orderBy('id', 'desc')
    .execute();
  return rows.map(summaryOf);
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
  const row = await db
    .selectFrom('published_reports')
    .select([...summaryColumns, 'content', 'provider_values'])
    .where('district_key', '=', district)
    .where('slug', '=', slug)
    .executeTakeFirst();
  if (!row) return undefined;
  const { content, provider_values, ...summary } = row;
  return {
    report: { ...summaryOf(summary), content: content as unknown as ReportContent },
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
