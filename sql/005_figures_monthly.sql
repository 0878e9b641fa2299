-- Pre-aggregated figures (issue #5), like the analytics tables of DHIS2: for every
-- provider of a district, every first and last day of a month, and every category of
-- every dimension, the counts the indicators are built from. Written by the import inside
-- its transaction (server/indicators/figures-monthly.ts); figures for those dates are read
-- from here instead of from the case rows.

CREATE TABLE figures_monthly (
  district_key text NOT NULL,
  provider text NOT NULL,
  on_date date NOT NULL,
  -- 'total' (category '') or a dimension of shared/spec/api.md other than provider,
  -- which is the provider column itself.
  dimension text NOT NULL,
  category text NOT NULL,
  -- Count per measure (indicator id, or "<share id>__numerator"), for example
  -- {"clients_active": 412, "clients_adult": 250, ...}.
  measures jsonb NOT NULL,
  PRIMARY KEY (district_key, dimension, on_date, provider, category)
);
-- State-wide reads (every district) of one dimension on a date or over a series of dates.
CREATE INDEX figures_monthly_state_idx ON figures_monthly (dimension, on_date);

-- Which provider's figures are there, for which dates, computed by which definitions. A
-- date outside [first_date, last_date] or a stale version is computed from the case rows.
CREATE TABLE figures_monthly_slices (
  district_key text NOT NULL,
  provider text NOT NULL,
  first_date date NOT NULL,
  last_date date NOT NULL,
  -- A hash of the measures' SQL and the dimensions': changes when a definition changes.
  version text NOT NULL,
  refreshed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (district_key, provider)
);
