-- A figure on a day within a month is the month's first day from the monthly figures plus
-- what the cases that change in between contribute (server/indicators/figures.ts,
-- deltaCounts). The cases whose status changed are found by the status records' date: an
-- index on it reads the few records of those days instead of every record of the district.
CREATE INDEX case_status_since_idx ON case_status (since, district_key);
