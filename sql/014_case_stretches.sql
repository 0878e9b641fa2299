-- Every case's stretches (issue #15): the days between two of its change points (start, end,
-- plan, the day after the third anniversary, a status record, a birthday at an age the
-- indicators compare), each with its categories in the dimensions and which of the monthly
-- counts it is counted by. A case counts the same on every day of a stretch, so:
--   - the counts on a day within a month are those of the month's first day (figures_monthly)
--     plus the stretches that begin after it and up to the day, less those that end so;
--   - a cross-table on any day sums the stretches that run on it;
--   - the monthly figures are summed from them, and an import subtracts a changed case's old
--     stretches as stored instead of evaluating its old rows again.
-- Written with the monthly figures of the provider (server/indicators/figures-monthly.ts),
-- in the same transaction, for the same window; current exactly when its slice in
-- figures_monthly_slices is. No person's data: categories, dates and the case's record key.
CREATE TABLE case_stretches (
  district_key text NOT NULL,
  provider text NOT NULL,
  case_id text NOT NULL,
  -- The stretch's first day and the first day after it (NULL: runs to the window's end).
  from_date date NOT NULL,
  to_date date,
  -- The categories, one column per dimension other than provider (dimensions.ts); a new
  -- dimension needs a migration that adds its column (checked in figures-monthly.test.ts).
  d_municipality text NOT NULL,
  d_sex text NOT NULL,
  d_age_group text NOT NULL,
  d_country text NOT NULL,
  d_language_level text NOT NULL,
  d_employment text NOT NULL,
  d_housing text NOT NULL,
  d_start_year text NOT NULL,
  record_key integer NOT NULL,
  -- Bit i set: counted by the i-th monthly count (MONTHLY_COUNTS in figures-monthly.ts; a
  -- change of the counts changes the definitions' version, and every slice is rebuilt).
  counted integer NOT NULL,
  PRIMARY KEY (district_key, provider, case_id, from_date)
);
-- The stretches that begin, or end, between two days of one district.
CREATE INDEX case_stretches_from_idx ON case_stretches (district_key, from_date);
CREATE INDEX case_stretches_to_idx ON case_stretches (district_key, to_date)
  WHERE to_date IS NOT NULL;

-- No slice has its stretches yet: every slice is rebuilt in the background after the server
-- starts, answers coming from the case rows meanwhile (server/plugins/monthly-figures.ts).
DELETE FROM figures_monthly_slices;
