-- Monthly figures with their measures as typed columns instead of jsonb (issue #15): a row
-- held every measure's name in its jsonb (about 470 bytes a row, ten times the case tables at
-- scale); columns hold counts as integer and cell keys (sums of 32-bit record keys) as bigint,
-- both exact. One column per measure of MONTHLY_MEASURES and DISTRICT_MEASURES with its key
-- sum (server/indicators/figures-monthly.ts; figures-monthly.test.ts checks that they agree):
-- a new measure needs a migration that adds its column.
--
-- The old rows are dropped and every slice is marked stale: a server rebuilds them in the
-- background after it starts, answering from the case rows meanwhile
-- (server/plugins/monthly-figures.ts); an import rebuilds its own provider at once.

DROP TABLE figures_monthly;
DELETE FROM figures_monthly_slices;

CREATE TABLE figures_monthly (
  district_key text NOT NULL,
  provider text NOT NULL,
  on_date date NOT NULL,
  -- 'total' (category '') or a dimension of shared/spec/api.md other than provider,
  -- which is the provider column itself.
  dimension text NOT NULL,
  category text NOT NULL,
  -- Per provider: the indicators' counts (a share's numerator, a period count's cumulative
  -- form), each with its cell key.
  clients_active integer NOT NULL DEFAULT 0,
  clients_active__key bigint NOT NULL DEFAULT 0,
  clients_minor integer NOT NULL DEFAULT 0,
  clients_minor__key bigint NOT NULL DEFAULT 0,
  clients_adult integer NOT NULL DEFAULT 0,
  clients_adult__key bigint NOT NULL DEFAULT 0,
  language_b1_plus_share__numerator integer NOT NULL DEFAULT 0,
  language_b1_plus_share__numerator__key bigint NOT NULL DEFAULT 0,
  employment_sv_share__numerator integer NOT NULL DEFAULT 0,
  employment_sv_share__numerator__key bigint NOT NULL DEFAULT 0,
  training_share__numerator integer NOT NULL DEFAULT 0,
  training_share__numerator__key bigint NOT NULL DEFAULT 0,
  cases_closed integer NOT NULL DEFAULT 0,
  cases_closed__key bigint NOT NULL DEFAULT 0,
  cases_closed_with_lease integer NOT NULL DEFAULT 0,
  cases_closed_with_lease__key bigint NOT NULL DEFAULT 0,
  cases_closed_with_lease_share__numerator integer NOT NULL DEFAULT 0,
  cases_closed_with_lease_share__numerator__key bigint NOT NULL DEFAULT 0,
  plan_coverage_share__numerator integer NOT NULL DEFAULT 0,
  plan_coverage_share__numerator__key bigint NOT NULL DEFAULT 0,
  cases_started_in_period__cumulative integer NOT NULL DEFAULT 0,
  cases_started_in_period__cumulative__key bigint NOT NULL DEFAULT 0,
  cases_closed_in_period__cumulative integer NOT NULL DEFAULT 0,
  cases_closed_in_period__cumulative__key bigint NOT NULL DEFAULT 0,
  cases_over_max_duration integer NOT NULL DEFAULT 0,
  cases_over_max_duration__key bigint NOT NULL DEFAULT 0,
  -- Per district (provider ''): distinct managers and municipalities with an active case.
  managers_active integer NOT NULL DEFAULT 0,
  managers_active__key bigint NOT NULL DEFAULT 0,
  municipalities_active integer NOT NULL DEFAULT 0,
  municipalities_active__key bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (district_key, dimension, on_date, provider, category)
);
-- State-wide reads (every district) of one dimension on a date or over a series of dates.
CREATE INDEX figures_monthly_state_idx ON figures_monthly (dimension, on_date);

-- The provider's newest import a slice reflects: an import updates the figures by its
-- changes only when they were made from the state it starts from (else it rebuilds them).
ALTER TABLE figures_monthly_slices ADD COLUMN import_id bigint;
