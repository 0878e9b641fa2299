// Kysely's view of the schema in sql/, written by hand with the value types the code uses
// (unions, dates as strings, what may be written); `npm run check:db-types` (run by CI)
// compares its tables, columns and NULLs with what the migrations make.
import type { ColumnType, Generated } from 'kysely';

/** A `date` column: read and written as `YYYY-MM-DD` (both drivers are set up that way). */
export type DateString = string;

export interface DistrictsTable {
  district_key: string;
  name: string;
}

export interface ProvidersTable {
  district_key: string;
  code: string;
  name: string;
  labels: string[];
}

export interface MunicipalitiesTable {
  district_key: string;
  ags: string;
  name: string;
  verified: boolean;
}

export type ImportStatus = 'imported' | 'unchanged' | 'rejected';

export interface ImportsTable {
  id: Generated<string>;
  district_key: string;
  provider: string;
  as_of: DateString;
  checksum: string;
  file_name: string | null;
  status: ImportStatus;
  forced: Generated<boolean>;
  rows_read: Generated<number>;
  cases_new: Generated<number>;
  cases_changed: Generated<number>;
  cases_unchanged: Generated<number>;
  cases_missing: Generated<number>;
  warning_count: Generated<number>;
  error_count: Generated<number>;
  file_format: string | null;
  file_bytes: string | null;
  created_at: ColumnType<Date, never, never>;
}

export interface CasesTable {
  district_key: string;
  provider: string;
  case_id: string;
  municipality: string;
  manager_id: string;
  household_id: string | null;
  sex: string | null;
  birth_month: DateString;
  country: string | null;
  started_on: DateString;
  ended_on: DateString | null;
  end_reason: string | null;
  plan_created_on: DateString | null;
  lease_signed_on: DateString | null;
  first_import_id: string;
  /** The import that last changed the case's attributes. */
  changed_import_id: string;
  /** Cell Key Method (sql/009_cell_keys.sql): a random key of the case… */
  record_key: ColumnType<number, number | undefined, never>;
  /** …and the keys of its manager and municipality, derived from the database's secret. */
  manager_key: number;
  municipality_key: number;
}

export type StatusKind = 'language_level' | 'employment' | 'housing';

export interface CaseStatusTable {
  district_key: string;
  provider: string;
  case_id: string;
  kind: StatusKind;
  since: DateString;
  value: string;
  import_id: string;
}

import type { Role } from '../../contract/labels.ts';

export type { Role };

export interface UsersTable {
  id: Generated<string>;
  district_key: string;
  name: string;
  role: Role;
  provider: string | null;
  password_hash: string;
  disabled_at: Date | null;
  created_at: ColumnType<Date, never, never>;
  password_changed_at: ColumnType<Date, Date | undefined, Date>;
}

export interface SessionsTable {
  secret_hash: string;
  user_id: string;
  csrf_token: string;
  created_at: ColumnType<Date, never, never>;
  last_seen_at: ColumnType<Date, Date | undefined, Date>;
  expires_at: Date;
}

export interface ApiTokensTable {
  id: Generated<string>;
  district_key: string;
  name: string;
  prefix: string;
  secret_hash: string;
  role: Role;
  provider: string | null;
  created_by: string;
  created_at: ColumnType<Date, never, never>;
  expires_at: Date | null;
  revoked_at: Date | null;
  last_used_at: Date | null;
}

export interface AuditLogTable {
  id: Generated<string>;
  at: ColumnType<Date, Date | undefined, never>;
  actor: string | null;
  actor_role: string | null;
  action: string;
  target: string | null;
  source: string | null;
  detail: ColumnType<Record<string, unknown> | null, string | null, never>;
}

export interface FiguresMonthlyTable {
  district_key: string;
  provider: string;
  on_date: DateString;
  dimension: string;
  category: string;
  /**
   * One integer column per measure and key sum (sql/010; key sums modulo 2^32 and zero as
   * NULL since sql/017).
   */
  [measure: string]: number | string | null;
}

/** A case's stretches between change points (sql/014), written with its monthly figures. */
export interface CaseStretchesTable {
  district_key: string;
  provider: string;
  case_id: string;
  from_date: DateString;
  /** The first day after the stretch; null: it runs to the end of its slice's window. */
  to_date: DateString | null;
  d_municipality: string;
  d_sex: string;
  d_age_group: string;
  d_country: string;
  d_language_level: string;
  d_employment: string;
  d_housing: string;
  d_start_year: string;
  record_key: number;
  /** Bit i: counted by the i-th monthly count (figures-monthly.ts). */
  counted: number;
  /** The case's manager and cell keys (sql/019); null only in rows of stale slices. */
  manager_id: string | null;
  manager_key: number | null;
  municipality_key: number | null;
}

/** The district-wide distinct counts from each day they change on (sql/015). */
export interface DistrictDistinctDaysTable {
  district_key: string;
  on_date: DateString;
  managers_active: number;
  /** Key sums are bigint: a string from node-postgres, read as float8 where summed. */
  managers_active__key: number | string;
  municipalities_active: number;
  municipalities_active__key: number | string;
}

export interface FiguresMonthlySlicesTable {
  district_key: string;
  provider: string;
  first_date: DateString;
  last_date: DateString;
  version: string;
  /** The provider's newest import the figures reflect (sql/010). */
  import_id: ColumnType<string | null, string | null | undefined, string | null>;
  refreshed_at: ColumnType<Date, never, never>;
}

/** Written once, never updated. */
type Frozen<T> = ColumnType<T, T, never>;

/** Rows are only inserted: a trigger refuses UPDATE, DELETE and TRUNCATE (sql/006). */
export interface PublishedReportsTable {
  id: Generated<string>;
  district_key: Frozen<string>;
  slug: Frozen<string>;
  title: Frozen<string>;
  stichtag: Frozen<DateString>;
  beendet_bis: Frozen<DateString>;
  published_at: ColumnType<Date, never, never>;
  published_by: Frozen<string>;
  /** server/reports/content.ts ReportContent, as JSON. */
  content: ColumnType<Record<string, unknown>, string, never>;
  /** server/reports/content.ts ProviderValues; never leaves the server. */
  provider_values: ColumnType<Record<string, unknown>, string, never>;
}

export type CorrectionKind = 'withdrawn' | 'superseded';

/** Rows are only inserted: a trigger refuses UPDATE, DELETE and TRUNCATE (sql/008). */
export interface ReportCorrectionsTable {
  id: Generated<string>;
  report_id: Frozen<string>;
  kind: Frozen<CorrectionKind>;
  successor_id: Frozen<string | null>;
  reason: Frozen<string>;
  corrected_at: ColumnType<Date, never, never>;
  corrected_by: Frozen<string>;
}

/** The database's secret for the cell keys (sql/009): one row, read by SQL functions only. */
export interface CellKeySecretTable {
  singleton: Generated<boolean>;
  secret: Generated<string>;
}

export interface Database {
  districts: DistrictsTable;
  providers: ProvidersTable;
  municipalities: MunicipalitiesTable;
  imports: ImportsTable;
  cases: CasesTable;
  case_status: CaseStatusTable;
  users: UsersTable;
  sessions: SessionsTable;
  api_tokens: ApiTokensTable;
  audit_log: AuditLogTable;
  figures_monthly: FiguresMonthlyTable;
  figures_monthly_slices: FiguresMonthlySlicesTable;
  case_stretches: CaseStretchesTable;
  district_distinct_days: DistrictDistinctDaysTable;
  published_reports: PublishedReportsTable;
  report_corrections: ReportCorrectionsTable;
  cell_key_secret: CellKeySecretTable;
}
