-- The district-wide distinct counts (managers, municipalities with an active case) on every
-- day (issue #15): a row for each day on which one of them changes, valid until the next
-- row's day. A figure on a day within a month reads the row of the latest day on or before
-- it instead of counting the distinct values over the case rows. Written with the district's
-- distinct counts in figures_monthly (provider ''), current exactly when that slice is.
-- One column per distinct count of the registry and its key sum (figures-monthly.test.ts
-- checks that they agree with DISTRICT_MEASURES).
CREATE TABLE district_distinct_days (
  district_key text NOT NULL REFERENCES districts,
  on_date date NOT NULL,
  managers_active integer NOT NULL,
  managers_active__key bigint NOT NULL,
  municipalities_active integer NOT NULL,
  municipalities_active__key bigint NOT NULL,
  PRIMARY KEY (district_key, on_date)
);

-- No district has its days yet: its slice is rebuilt in the background after the start.
DELETE FROM figures_monthly_slices WHERE provider = '';
