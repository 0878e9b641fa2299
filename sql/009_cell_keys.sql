-- Record keys for the Cell Key Method (docs/disclosure.md). Every case carries a random
-- 32-bit key; the key of a published count is the sum of the keys of the cases it counts,
-- and the count's perturbation is read from that sum, so the same cases always give the
-- same figure. Managers and municipalities, counted as distinct values, take a key derived
-- from a secret of this database, so that every case of a manager carries the same key.
-- The keys are random numbers, never derived from a person.

CREATE TABLE cell_key_secret (
  singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
  -- 244 bits from the server's strong random source.
  secret text NOT NULL DEFAULT gen_random_uuid()::text || gen_random_uuid()::text
);
INSERT INTO cell_key_secret DEFAULT VALUES;

-- The first 32 bits of md5(secret || value), as a signed integer.
CREATE FUNCTION cell_key(value text) RETURNS integer LANGUAGE sql STABLE AS $$
  SELECT ('x' || substr(md5(secret || value), 1, 8))::bit(32)::integer FROM cell_key_secret
$$;

ALTER TABLE cases
  ADD COLUMN record_key integer NOT NULL
    DEFAULT ('x' || substr(md5(gen_random_uuid()::text), 1, 8))::bit(32)::integer,
  ADD COLUMN manager_key integer,
  ADD COLUMN municipality_key integer;
UPDATE cases SET
  manager_key = cell_key(district_key || '/' || manager_id),
  municipality_key = cell_key(district_key || '/' || municipality);
ALTER TABLE cases
  ALTER COLUMN manager_key SET NOT NULL,
  ALTER COLUMN municipality_key SET NOT NULL;
