-- The stored stretches without their primary key (issue #15: smaller and quicker to write).
-- The key (district, provider, case id, first day) was about a quarter of the table's space
-- (90 of 331 MB on the 200,000-case state) and a third of the time an import spends writing
-- stretches, and no reader used it: readers find stretches by their days (the two indexes of
-- sql/014), and an import finds a changed case's stretches among its district's by the index
-- on (district_key, from_date). Stretches are derived data, written only by
-- server/indicators/figures-monthly.ts inside the import's transaction after deleting the
-- same cases' stretches; figures-monthly.test.ts compares the stretches an import leaves
-- with those of a rebuild, row for row.
ALTER TABLE case_stretches DROP CONSTRAINT case_stretches_pkey;
