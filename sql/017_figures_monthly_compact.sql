-- The monthly figures in about half the space (issue #15: pre-aggregated data no larger than
-- twice the case tables). Two changes to every measure column, in place, in one rewrite:
--   - A key sum is only ever read modulo 2^32 (the cell key, server/disclosure/cell-key.ts),
--     so it is kept as that residue in a 32-bit integer (-2^31 … 2^31-1) instead of a bigint.
--     Residues add and subtract as the sums do: an import's increment is added and the
--     result taken modulo 2^32 again (server/indicators/figures-monthly.ts, storedValue).
--   - Zero is kept as NULL: a third of the values are zero, and a NULL costs one bit of the
--     row's null bitmap where an integer costs four bytes. Readers sum with coalesce.
-- Measured on the 200,000-case state: 478 MB of rows become 218 MB (docs/benchmarks.md).
-- Columns that the registry adds later are created the same way (server/db/measure-columns.ts).
DO $$
DECLARE
  col record;
  changes text[] := '{}';
BEGIN
  FOR col IN
    SELECT column_name, data_type FROM information_schema.columns
    WHERE table_name = 'figures_monthly' AND table_schema = current_schema()
      AND data_type IN ('integer', 'bigint')
    ORDER BY ordinal_position
  LOOP
    changes := changes
      || format('ALTER COLUMN %I DROP DEFAULT', col.column_name)
      || format('ALTER COLUMN %I DROP NOT NULL', col.column_name)
      || format(
        'ALTER COLUMN %I TYPE integer USING %s',
        col.column_name,
        CASE WHEN col.data_type = 'bigint'
          THEN format(
            'nullif(((%I %% 4294967296 + 6442450944) %% 4294967296 - 2147483648)::integer, 0)',
            col.column_name)
          ELSE format('nullif(%I, 0)', col.column_name)
        END);
  END LOOP;
  IF cardinality(changes) > 0 THEN
    EXECUTE 'ALTER TABLE figures_monthly ' || array_to_string(changes, ', ');
  END IF;
END
$$;
