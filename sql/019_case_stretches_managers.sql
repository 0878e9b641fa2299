-- Each stretch with its case's manager and the cell keys of the manager and the municipality
-- (issue #15): the distinct counts by category (integration managers, municipalities with an
-- active case, by sex, housing, …) are then counted from the stretches that run on a day
-- alone, instead of joining every running stretch with its case row: the state-wide
-- cross-table of managers by sex and employment on 1,000,000 cases took 4.7 s with the join,
-- 1.5 s without in `psql`. About 20 bytes a stretch. No person's data: the manager's id is
-- the provider's pseudonymous code, as in `cases`.
-- Nullable: the rows written before this migration have none, and none of them is read again.
-- The monthly figures' version (figures-monthly.ts monthlyVersion) changes with this, so every
-- slice is stale after the upgrade and is rebuilt in the background, its stretches with it;
-- readers use a provider's stretches only while its slice is current.
ALTER TABLE case_stretches
  ADD COLUMN manager_id text,
  ADD COLUMN manager_key integer,
  ADD COLUMN municipality_key integer;
