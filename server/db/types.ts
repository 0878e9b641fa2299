// Kysely's view of the schema in sql/; kept in step with the migrations by hand.
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

export interface Database {
  districts: DistrictsTable;
  providers: ProvidersTable;
  municipalities: MunicipalitiesTable;
  imports: ImportsTable;
  cases: CasesTable;
  case_status: CaseStatusTable;
}
