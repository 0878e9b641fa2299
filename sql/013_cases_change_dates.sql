-- A figure on a day within a month is the month's first day from the monthly figures plus
-- what the cases that change in between contribute (server/indicators/figures.ts,
-- deltaCounts). Those cases are found by the dates on which they change: start (and the day
-- after the third anniversary of it), end, plan. cases_period_idx leads with the district
-- and serves one district's starts; these indexes lead with the date, so that state-wide
-- (and for ends and plans, in a district too) a day's changes are a short range of an index
-- instead of a scan of every case.
CREATE INDEX cases_started_idx ON cases (started_on, district_key);
CREATE INDEX cases_ended_idx ON cases (ended_on, district_key) WHERE ended_on IS NOT NULL;
CREATE INDEX cases_plan_idx ON cases (plan_created_on, district_key) WHERE plan_created_on IS NOT NULL;
