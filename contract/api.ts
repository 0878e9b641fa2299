// The API's contract: the TypeBox schemas of what the routes take and answer. The routes
// validate and serialise with them; the browser takes their `Static<>` types only
// (`import type`), so that none of this reaches the bundle. Enumerations are unions of
// literals, so a value the server does not know fails validation and the type checker alike.
import { type Static, type TLiteral, type TSchemaOptions, type TUnion, Type } from 'typebox';
import { AUDIT_ACTIONS, ROLES } from './labels.ts';

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

type LiteralOf<V> = V extends string ? TLiteral<V> : never;

/** A union of string literals: `literals(['a', 'b'])` is the schema of `'a' | 'b'`. */
const literals = <const T extends readonly string[]>(
  values: T,
  options: TSchemaOptions = {},
): TUnion<[LiteralOf<T[number]>]> =>
  // Typed as one member that is itself the union of the literals: TypeBox's Static reads a
  // tuple of members, and the values are a list only known as a list.
  Type.Union(values.map((value) => Type.Literal(value)) as [LiteralOf<T[number]>], options);

// --- Parameters -------------------------------------------------------------------------

export const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Datum als JJJJ-MM-TT',
});

export const FormatParam = Type.Optional(
  literals(['json', 'csv', 'xlsx', 'arrow', 'arrows'], {
    description:
      'Antwortformat: json, csv, xlsx (Excel), arrow (Arrow-IPC-Datei), arrows (Arrow-IPC-Stream); sonst nach Accept-Header',
  }),
);

// --- Enumerations -----------------------------------------------------------------------

export const Role = literals(ROLES);
export type Role = Static<typeof Role>;

export const Audience = literals(['internal', 'provider', 'restricted', 'public'], {
  description: 'Für wen die Zahlen offengelegt sind (docs/disclosure.md)',
});
export type Audience = Static<typeof Audience>;

export const Kind = literals(['count', 'share', 'ratio']);
export type Kind = Static<typeof Kind>;

export const Interval = literals(['month', 'quarter', 'year']);
export type Interval = Static<typeof Interval>;

export const AuditAction = literals(AUDIT_ACTIONS);
export type AuditAction = Static<typeof AuditAction>;

export const Protection = literals(['none', 'audited', 'perturbed'], {
  description:
    'Schutz des Werts: none (ungeschützt, nur für das Landratsamt und den eigenen Träger), audited (exakt, geprüft), perturbed (Cell-Key-Verfahren, leicht verändert)',
});
export type Protection = Static<typeof Protection>;

// --- Figures ----------------------------------------------------------------------------

export const FigureFields = {
  value: Nullable(Type.Number()),
  numerator: Nullable(Type.Integer()),
  denominator: Nullable(Type.Integer()),
  suppressed: Type.Boolean(),
  protection: Protection,
};
export const Figure = Type.Object(FigureFields);

/**
 * A figure of a published report: reports frozen before the Cell Key Method (their figures
 * exact or withheld by the suppression rules of their day) hold no `protection`. Every
 * figure the server sends is one of these, so the pages take this type for any figure.
 */
export const PublishedFigureFields = { ...FigureFields, protection: Type.Optional(Protection) };
export const PublishedFigure = Type.Object(PublishedFigureFields);
export type Figure = Static<typeof PublishedFigure>;

/** The rules a published report was frozen under; older reports hold only k and the denominator. */
export const PublishedRules = Type.Object({
  k: Type.Integer(),
  minDenominator: Type.Integer(),
  protectionWidth: Type.Optional(Type.Integer()),
  cellKey: Type.Optional(Type.Object({ maxDeviation: Type.Integer(), variance: Type.Number() })),
});
export type PublishedRules = Static<typeof PublishedRules>;

export const Rules = Nullable(
  Type.Object({
    k: Type.Integer(),
    minDenominator: Type.Integer(),
    protectionWidth: Type.Integer(),
    cellKey: Type.Object({ maxDeviation: Type.Integer(), variance: Type.Number() }),
  }),
);

/** An indicator on a date as it leaves the server: what it is, and its disclosed figure. */
export const ReportedFields = {
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  kind: Kind,
  ...FigureFields,
};
export const PublishedReported = Type.Object({ ...ReportedFields, ...PublishedFigureFields });
export type Indicator = Static<typeof PublishedReported>;

export const Category = Type.Object({ key: Type.String(), label: Type.String() });
export type Category = Static<typeof Category>;

/** The oldest of the providers' newest exports in scope: later figures count as open what is not reported yet. */
export const DataAsOf = Nullable(
  Type.String({ description: 'Datenstand (JJJJ-MM-TT): ältester der neuesten Exporte der Träger' }),
);

const Period = Type.Object({ from: Type.String(), to: Type.String() });

export const DisclosedIndicator = Type.Object({
  ...ReportedFields,
  change: Type.Optional(Nullable(Type.Number())),
});

export const IndicatorsAnswer = Type.Object({
  date: Type.String(),
  period: Period,
  district: Type.String(),
  audience: Audience,
  rules: Rules,
  data_as_of: DataAsOf,
  indicators: Type.Array(DisclosedIndicator),
  comparison: Type.Optional(
    Type.Object({
      date: Type.String(),
      period: Period,
      indicators: Type.Array(DisclosedIndicator),
    }),
  ),
});
export type IndicatorsAnswer = Static<typeof IndicatorsAnswer>;

export const BreakdownRow = Type.Object({
  key: Type.String(),
  label: Type.String(),
  ...FigureFields,
});
export type BreakdownRow = Static<typeof BreakdownRow> | Static<typeof PublishedBreakdownRow>;

export const BreakdownAnswer = Type.Object({
  indicator: Type.String(),
  label: Type.String(),
  date: Type.String(),
  by: Type.String(),
  by_label: Type.String(),
  district: Type.String(),
  audience: Audience,
  rules: Rules,
  data_as_of: DataAsOf,
  rows: Type.Array(BreakdownRow),
  total: Figure,
});
export type BreakdownAnswer = Static<typeof BreakdownAnswer>;

export const CrossTableAnswer = Type.Object({
  indicator: Type.String(),
  label: Type.String(),
  date: Type.String(),
  rows_by: Type.String(),
  columns_by: Type.String(),
  district: Type.String(),
  audience: Audience,
  rules: Rules,
  rows: Type.Array(Category),
  columns: Type.Array(Category),
  cells: Type.Array(Type.Array(Figure)),
  row_totals: Type.Array(Figure),
  column_totals: Type.Array(Figure),
  total: Figure,
});

export const SeriesPoint = Type.Object({
  period: Type.String(),
  date: Type.String(),
  ...FigureFields,
});
export type SeriesPoint = Static<typeof PublishedSeriesPoint>;

export const SeriesAnswer = Type.Object({
  indicator: Type.String(),
  label: Type.String(),
  interval: Interval,
  from: Type.String(),
  to: Type.String(),
  district: Type.String(),
  audience: Audience,
  rules: Rules,
  data_as_of: DataAsOf,
  points: Type.Array(SeriesPoint),
});
export type SeriesAnswer = Static<typeof SeriesAnswer>;

// --- Definitions ------------------------------------------------------------------------

/** One side of a share or ratio; `id` is null where it is no indicator of its own. */
export const DefinitionPart = Nullable(
  Type.Object({ id: Nullable(Type.String()), label: Type.String() }),
);
export type DefinitionPart = NonNullable<Static<typeof DefinitionPart>>;

/** A figure of GET /api/v1/funding, as that answer and GET /api/v1/definitions describe it. */
export const FundingFigureDefinition = Type.Object({
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  kind: Kind,
  numerator: DefinitionPart,
  denominator: DefinitionPart,
});
export type FundingFigureDefinition = Static<typeof FundingFigureDefinition>;

export const IndicatorDefinition = Type.Object({
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  population: Type.String(),
  kind: Kind,
  /** A count over a period (default: 1 January of the reporting year up to the Stichtag). */
  period: Type.Boolean(),
  numerator: DefinitionPart,
  denominator: DefinitionPart,
});
export type IndicatorDefinition = Static<typeof IndicatorDefinition>;

/** A characteristic figures can be broken down by; open sets (years, countries) list no categories. */
export const DimensionDefinition = Type.Object({
  id: Type.String(),
  label: Type.String(),
  categories: Type.Array(Category),
});
export type DimensionDefinition = Static<typeof DimensionDefinition>;

export const DefinitionsAnswer = Type.Object({
  indicators: Type.Array(IndicatorDefinition),
  dimensions: Type.Array(DimensionDefinition),
  // The columns of GET /api/v1/funding: per year and provider.
  funding: Type.Array(FundingFigureDefinition),
});
export type DefinitionsAnswer = Static<typeof DefinitionsAnswer>;

// --- Funding ----------------------------------------------------------------------------

/** A year and a provider, or (provider null) all providers; one figure per funding figure id. */
export const fundingRow = (figureIds: readonly string[]) =>
  Type.Object({
    year: Type.Integer(),
    provider: Nullable(Type.String()),
    provider_label: Type.String(),
    /** The days counted; null when the data end before the year begins. */
    from: Nullable(Type.String()),
    /** Also the Stichtag of the caseload. */
    to: Nullable(Type.String()),
    complete: Type.Boolean(),
    figures: Type.Object(Object.fromEntries(figureIds.map((id) => [id, Figure]))),
  });
export type FundingRow = Static<ReturnType<typeof fundingRow>>;

export const fundingAnswer = (figureIds: readonly string[]) =>
  Type.Object({
    from: Type.Integer(),
    to: Type.Integer(),
    /** The date up to which the data are complete. */
    as_of: Nullable(Type.String()),
    district: Type.String(),
    provider: Nullable(Type.String()),
    audience: Audience,
    rules: Rules,
    providers: Type.Array(Category),
    end_reasons: Type.Array(Category),
    figures: Type.Array(FundingFigureDefinition),
    rows: Type.Array(fundingRow(figureIds)),
  });
export type FundingAnswer = Static<ReturnType<typeof fundingAnswer>>;

// --- Session, accounts, tokens, audit ----------------------------------------------------

export const SessionState = Type.Object({
  authenticated: Type.Boolean(),
  user: Nullable(
    Type.Object({ name: Type.String(), role: Role, provider: Nullable(Type.String()) }),
  ),
  via: Nullable(literals(['cookie', 'token'])),
  audience: Audience,
  /** Sent as X-CSRF-Token with every state-changing request while signed in by cookie. */
  csrf_token: Nullable(Type.String()),
  expires_at: Nullable(Type.String()),
});
export type SessionState = Static<typeof SessionState>;

export const ApiToken = Type.Object({
  id: Type.String(),
  name: Type.String(),
  prefix: Type.String(),
  role: Role,
  provider: Nullable(Type.String()),
  created_by: Type.String(),
  created_at: Type.String(),
  expires_at: Nullable(Type.String()),
  revoked_at: Nullable(Type.String()),
  last_used_at: Nullable(Type.String()),
});
export type ApiToken = Static<typeof ApiToken>;

export const NewToken = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
    role: Role,
    provider: Type.Optional(Type.String({ pattern: '^[A-Z0-9_]{2,16}$' })),
    expires_on: Type.Optional(IsoDate),
  },
  { additionalProperties: false },
);
export type NewToken = Static<typeof NewToken>;

export const AuditEntry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Nullable(Type.String()),
  actor_role: Nullable(Type.String()),
  action: AuditAction,
  action_label: Type.String(),
  target: Nullable(Type.String()),
  source: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
  /** The details in German sentences, as the page shows them. */
  detail_text: Type.String(),
});
export type AuditEntry = Static<typeof AuditEntry>;

export const AuditQuery = Type.Object({
  from: Type.Optional(IsoDate),
  to: Type.Optional(IsoDate),
  action: Type.Optional(AuditAction),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
});

// --- Imports ----------------------------------------------------------------------------

export const Issue = Type.Object({
  /** The row as a spreadsheet numbers it (header = 1); null for the whole file. */
  row: Nullable(Type.Integer()),
  column: Nullable(Type.String()),
  message: Type.String(),
  value: Type.Optional(Type.String()),
  /** older_snapshot: refused only because a newer Stand is stored; force=true takes it. */
  code: Type.Optional(Type.Literal('older_snapshot')),
});

/** An issue of the summary; the same message in one column on many rows comes once. */
export const SummaryIssue = Type.Object({
  ...Issue.properties,
  count: Type.Optional(Type.Integer({ description: 'Zeilen mit dieser Meldung in dieser Spalte' })),
  rows: Type.Optional(
    Type.Array(Type.Integer(), { description: 'die ersten dieser Zeilen (höchstens zehn)' }),
  ),
});
export type ImportIssue = Static<typeof SummaryIssue>;

/** The kinds of file an export may be. */
export const FILE_FORMATS = ['csv', 'xlsx', 'arrow-file', 'arrow-stream'] as const;
export type FileFormat = (typeof FILE_FORMATS)[number];
/** Kinds of file told apart from the content only to be refused, and logged as what they are. */
export const REFUSED_KINDS = ['ods', 'xls', 'utf-16', 'pdf', 'gzip'] as const;
export type RefusedKind = (typeof REFUSED_KINDS)[number];
export const FileKind = literals([...FILE_FORMATS, ...REFUSED_KINDS]);

export const ImportSummary = Type.Object({
  status: literals(['imported', 'unchanged', 'dry_run', 'rejected']),
  import_id: Nullable(Type.String()),
  provider: Type.String(),
  as_of: Type.String(),
  /** What the file was told to be from its content, also when that is why it is refused. */
  format: Nullable(FileKind),
  bytes: Type.Integer(),
  rows: Type.Integer(),
  new: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  missing: Type.Integer(),
  /** The first 200 of each; the counts say how many there are. */
  warnings: Type.Array(SummaryIssue),
  warning_count: Type.Integer(),
  errors: Type.Array(SummaryIssue),
  error_count: Type.Integer(),
  checksum: Type.String(),
});
export type ImportSummary = Static<typeof ImportSummary>;

export const ImportLogEntry = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  as_of: Type.String(),
  status: literals(['imported', 'unchanged', 'rejected']),
  file_name: Nullable(Type.String()),
  format: Nullable(Type.String()),
  bytes: Nullable(Type.Integer()),
  checksum: Type.String(),
  forced: Type.Boolean(),
  rows: Type.Integer(),
  new: Type.Integer(),
  changed: Type.Integer(),
  unchanged: Type.Integer(),
  missing: Type.Integer(),
  warning_count: Type.Integer(),
  error_count: Type.Integer(),
  created_at: Type.String(),
});
export type ImportLogEntry = Static<typeof ImportLogEntry>;

// --- Data quality -----------------------------------------------------------------------

/** A count out of the cases that need a value; `share` is null without such cases. */
export const QualityPart = Type.Object({
  cases: Type.Integer({ description: 'Nenner: Fälle der Grundgesamtheit' }),
  count: Type.Integer({ description: 'Zähler' }),
  share: Nullable(Type.Number({ description: 'Anteil 0..1; null ohne Fälle' })),
});
export type QualityPart = Static<typeof QualityPart>;

export const QualityTable = literals(['completeness', 'status', 'duration', 'snapshots'], {
  description: 'Für CSV, XLSX und Arrow: welche Tabelle',
});
export type QualityTable = Static<typeof QualityTable>;

export const ColumnCompleteness = Type.Object({
  column: Type.String(),
  alias: Type.String(),
  label: Type.String(),
  rule: literals(['required', 'conditional', 'optional']),
  population: Type.String(),
  /** null: all providers together. */
  provider: Nullable(Type.String()),
  ...QualityPart.properties,
});
export type ColumnCompleteness = Static<typeof ColumnCompleteness>;

export const StatusUnknown = Type.Object({
  provider: Nullable(Type.String()),
  active: Type.Object({
    language_level: QualityPart,
    employment: QualityPart,
    housing: QualityPart,
  }),
  adult: Type.Object({ language_level: QualityPart, employment: QualityPart }),
});
export type StatusUnknown = Static<typeof StatusUnknown>;

export const DurationQuality = Type.Object({
  provider: Nullable(Type.String()),
  active: Type.Integer(),
  over_three_years: QualityPart,
  over_four_years: QualityPart,
});
export type DurationQuality = Static<typeof DurationQuality>;

export const SnapshotDelivery = Type.Object({
  provider: Type.String(),
  name: Type.String(),
  latest_as_of: Nullable(Type.String()),
  imported_at: Nullable(Type.String()),
  next_due: Nullable(Type.String()),
  state: literals(['current', 'overdue', 'none']),
  days_overdue: Type.Integer(),
});
export type SnapshotDelivery = Static<typeof SnapshotDelivery>;

export const QualityAnswer = Type.Object({
  date: Type.String(),
  /** The provider a provider's account is bound to; null for the district office. */
  provider: Nullable(Type.String()),
  providers: Type.Array(Type.Object({ code: Type.String(), name: Type.String() })),
  delivery_rule: Type.Object({
    months: Type.Integer(),
    grace_days: Type.Integer(),
    description: Type.String(),
  }),
  completeness: Type.Array(ColumnCompleteness),
  status_unknown: Type.Array(StatusUnknown),
  duration: Type.Array(DurationQuality),
  snapshots: Type.Array(SnapshotDelivery),
});
export type QualityAnswer = Static<typeof QualityAnswer>;

// --- Published reports ------------------------------------------------------------------

export const PublishedBreakdownRow = Type.Object({
  key: Type.String(),
  label: Type.String(),
  ...PublishedFigureFields,
});

export const PublishedSeriesPoint = Type.Object({
  period: Type.String(),
  date: Type.String(),
  ...PublishedFigureFields,
});

export const PublishedBreakdown = Type.Object({
  indicator: Type.String(),
  label: Type.String(),
  by: Type.String(),
  by_label: Type.String(),
  title: Type.String(),
  date: Type.String(),
  rows: Type.Array(PublishedBreakdownRow),
  total: PublishedFigure,
});
export type PublishedBreakdown = Static<typeof PublishedBreakdown>;

export const PublishedImport = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  as_of: Type.String(),
  checksum: Type.String(),
  file_name: Nullable(Type.String()),
  created_at: Type.String(),
});
export type PublishedImport = Static<typeof PublishedImport>;

/** Everything the report's page shows, as disclosed to the public when it was published. */
export const PublishedContent = Type.Object({
  district: Type.String(),
  stichtag: Type.String(),
  beendet_bis: Type.String(),
  audience: Type.Literal('public'),
  rules: PublishedRules,
  caseload: Type.Array(PublishedReported),
  closed: Type.Array(PublishedReported),
  breakdowns: Type.Array(PublishedBreakdown),
  trend: Nullable(
    Type.Object({
      indicator: Type.String(),
      label: Type.String(),
      title: Type.String(),
      from: Type.String(),
      to: Type.String(),
      points: Type.Array(PublishedSeriesPoint),
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
  /** How far the exports reached at publication; later figures are provisional. */
  data_as_of: Nullable(Type.String()),
  /** The report's dates after data_as_of. */
  provisional_dates: Type.Array(Type.String()),
  /** The tiles' figures a year earlier; null for reports published before they were kept. */
  previous_year: Nullable(
    Type.Object({
      stichtag: Type.String(),
      beendet_bis: Type.String(),
      caseload: Type.Array(PublishedReported),
      closed: Type.Array(PublishedReported),
    }),
  ),
  imports: Type.Array(PublishedImport),
});
export type PublishedContent = Static<typeof PublishedContent>;

const ReportLink = { slug: Type.String(), title: Type.String() };

export const CorrectionKind = literals(['withdrawn', 'superseded']);

/** A published report withdrawn, or superseded by a newer one: who, when, why. */
export const ReportCorrection = Type.Object({
  kind: CorrectionKind,
  reason: Type.String(),
  corrected_at: Type.String(),
  corrected_by: Type.String(),
  successor: Nullable(Type.Object({ ...ReportLink, published_at: Type.String() })),
});
export type ReportCorrection = Static<typeof ReportCorrection>;

export const PublishedReportSummaryFields = {
  id: Type.String(),
  slug: Type.String(),
  title: Type.String(),
  stichtag: Type.String(),
  beendet_bis: Type.String(),
  published_at: Type.String(),
  published_by: Type.String(),
  status: literals(['current', 'withdrawn', 'superseded']),
  /** Some figures are for a day after the exports of the time: "vorläufig". */
  provisional: Type.Boolean(),
  correction: Nullable(ReportCorrection),
};
export const PublishedReportSummary = Type.Object(PublishedReportSummaryFields);
export type PublishedReportSummary = Static<typeof PublishedReportSummary>;

export const PublishedReportAnswer = Type.Object({
  ...PublishedReportSummaryFields,
  content: PublishedContent,
  /** The reports this one replaced. */
  supersedes: Type.Array(Type.Object(ReportLink)),
});

/** An import stored after publication, by a provider whose figures it changed. */
export const ImportSince = Type.Object({
  id: Type.String(),
  provider: Type.String(),
  as_of: Type.String(),
  file_name: Nullable(Type.String()),
  created_at: Type.String(),
});
export type ImportSince = Static<typeof ImportSince>;

/** A published figure that today's data (same dates, public, same rules) shows differently. */
export const FigureChange = Type.Object({
  key: Type.String(),
  section: literals(['caseload', 'closed', 'breakdown', 'trend']),
  label: Type.String(),
  date: Type.String(),
  kind: Kind,
  published: PublishedFigure,
  today: PublishedFigure,
  providers: Type.Array(Type.String()),
  imports: Type.Array(ImportSince),
});
export type FigureChange = Static<typeof FigureChange>;

export const PublishedReportWithChanges = Type.Object({
  ...PublishedReportAnswer.properties,
  checked_at: Type.String(),
  /** The figures are computed by other SQL than at publication. */
  calculation_changed: Type.Boolean(),
  changes: Type.Array(FigureChange),
});
export type PublishedReport = Static<typeof PublishedReportWithChanges>;

/** Why a correction is made: shown with the notice on the report, for good. */
export const Reason = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '\\S',
  description: 'Begründung, öffentlich sichtbar',
});

export const SlugParam = Type.String({ pattern: '^[a-z0-9-]{10,100}$' });

export const NewReport = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S' }),
    stichtag: Type.String({ description: 'Stichtag der betreuten Personen, JJJJ-MM-TT' }),
    beendet_bis: Type.String({ description: 'Beendete Fälle bis, JJJJ-MM-TT' }),
    /** Figures for a day after the exports: published as "vorläufig", for good. */
    provisional_confirmed: Type.Optional(
      Type.Boolean({
        description:
          'Nötig, wenn ein Stichtag nach dem Stand der Exporte liegt: der Bericht wird dauerhaft als vorläufig gekennzeichnet',
      }),
    ),
    /** A report with this title and these dates exists already. */
    republish_confirmed: Type.Optional(
      Type.Boolean({
        description:
          'Nötig, wenn es schon einen Bericht mit diesem Titel und diesen Stichtagen gibt',
      }),
    ),
    /** The current report the new one replaces, and why. */
    supersedes: Type.Optional(
      Type.String({
        pattern: '^[a-z0-9-]{10,100}$',
        description: 'Adresse (slug) des gültigen Berichts, den der neue ersetzt',
      }),
    ),
    reason: Type.Optional(Reason),
  },
  { additionalProperties: false },
);
export type NewReport = Static<typeof NewReport>;

const InterimReported = Type.Array(Type.Object(ReportedFields));
const InterimOnDate = Type.Object({
  date: Type.String(),
  indicators: InterimReported,
  comparison: Type.Object({ date: Type.String(), indicators: InterimReported }),
});

/** The interim report's figures in one answer (GET /api/v1/interim-report). */
export const InterimReportAnswer = Type.Object({
  stichtag: Type.String(),
  beendet_bis: Type.String(),
  district: Type.String(),
  audience: Audience,
  rules: Rules,
  data_as_of: Nullable(Type.String()),
  caseload: InterimOnDate,
  closed: InterimOnDate,
  breakdowns: Type.Array(
    Type.Object({
      indicator: Type.String(),
      by: Type.String(),
      rows: Type.Array(BreakdownRow),
      total: Figure,
    }),
  ),
  trend: Nullable(
    Type.Object({
      indicator: Type.String(),
      from: Type.String(),
      to: Type.String(),
      points: Type.Array(SeriesPoint),
    }),
  ),
});

export type InterimReportAnswer = Static<typeof InterimReportAnswer>;
