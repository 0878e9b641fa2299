-- Schema of Zwischenbilanz: district registry, import log, cases and their status history.
-- Every case-level row carries district_key so one database can hold many districts.

CREATE TABLE districts (
  district_key text PRIMARY KEY CHECK (district_key ~ '^[0-9]{5}$'),
  name text NOT NULL
);

-- The providers (Träger) of a district: data of the district, not code.
CREATE TABLE providers (
  district_key text NOT NULL REFERENCES districts,
  code text NOT NULL CHECK (code ~ '^[A-Z0-9_]{2,16}$'),
  name text NOT NULL,
  -- German labels an export may use instead of the code, matched case-insensitively.
  labels text[] NOT NULL DEFAULT '{}',
  PRIMARY KEY (district_key, code)
);

-- The district's register of municipalities (AGS keys); correctable data.
CREATE TABLE municipalities (
  district_key text NOT NULL REFERENCES districts,
  ags text NOT NULL CHECK (ags ~ '^[0-9]{8}$'),
  name text NOT NULL,
  verified boolean NOT NULL DEFAULT false,
  PRIMARY KEY (district_key, ags)
);

-- One row per import attempt that reached the database (stored, unchanged or rejected).
-- Never holds file content.
CREATE TABLE imports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_key text NOT NULL REFERENCES districts,
  provider text NOT NULL,
  as_of date NOT NULL,
  checksum text NOT NULL CHECK (checksum ~ '^[0-9a-f]{64}$'),
  file_name text,
  status text NOT NULL CHECK (status IN ('imported', 'unchanged', 'rejected')),
  forced boolean NOT NULL DEFAULT false,
  rows_read integer NOT NULL DEFAULT 0,
  cases_new integer NOT NULL DEFAULT 0,
  cases_changed integer NOT NULL DEFAULT 0,
  cases_unchanged integer NOT NULL DEFAULT 0,
  cases_missing integer NOT NULL DEFAULT 0,
  warning_count integer NOT NULL DEFAULT 0,
  error_count integer NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX imports_provider_idx ON imports (district_key, provider, as_of);

-- Current attributes of each case, as its provider's newest snapshot states them.
CREATE TABLE cases (
  district_key text NOT NULL,
  provider text NOT NULL,
  case_id text NOT NULL CHECK (case_id ~ '^[A-Za-z0-9._-]{4,64}$'),
  municipality text NOT NULL,
  manager_id text NOT NULL,
  household_id text,
  sex text CHECK (sex IN ('f', 'm', 'd', 'x')),
  birth_month date NOT NULL CHECK (extract(day FROM birth_month) = 1),
  country text CHECK (country ~ '^[A-Z]{3}$'),
  started_on date NOT NULL,
  ended_on date CHECK (ended_on >= started_on),
  end_reason text CHECK (end_reason IN ('independent', 'max_duration', 'moved_away',
    'contact_lost', 'handed_over', 'departed', 'deceased', 'other')),
  plan_created_on date,
  lease_signed_on date,
  first_import_id bigint NOT NULL REFERENCES imports,
  -- The newest snapshot that contained the case; older than the provider's newest import
  -- means the case is missing from it.
  last_import_id bigint NOT NULL REFERENCES imports,
  PRIMARY KEY (district_key, provider, case_id),
  FOREIGN KEY (district_key, provider) REFERENCES providers,
  FOREIGN KEY (district_key, municipality) REFERENCES municipalities,
  CHECK ((ended_on IS NULL) = (end_reason IS NULL))
);
CREATE INDEX cases_period_idx ON cases (district_key, started_on, ended_on);

-- Every status a case has had, with the date it applied from, across all snapshots.
CREATE TABLE case_status (
  district_key text NOT NULL,
  provider text NOT NULL,
  case_id text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('language_level', 'employment', 'housing')),
  since date NOT NULL,
  value text NOT NULL,
  import_id bigint NOT NULL REFERENCES imports,
  PRIMARY KEY (district_key, provider, case_id, kind, since),
  FOREIGN KEY (district_key, provider, case_id) REFERENCES cases ON DELETE CASCADE,
  CHECK (
    (kind = 'language_level' AND value IN ('none', 'alpha', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'))
    OR (kind = 'employment' AND value IN ('sv_employment', 'vocational_training', 'studies',
      'internship', 'self_employed', 'marginal', 'language_course', 'school', 'none'))
    OR (kind = 'housing' AND value IN ('follow_up', 'private_lease', 'other'))
  )
);
