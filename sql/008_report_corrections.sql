-- Corrections of published reports (issue #14): a report that turned out wrong is withdrawn,
-- or superseded by a newer one, without changing its frozen row in published_reports. Each
-- correction is a row of its own, appended once with who, when and why, and never changed
-- or deleted afterwards: the database refuses it, whoever asks.

CREATE TABLE report_corrections (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  -- A report is corrected once: withdrawn, or superseded; after that it is no longer current.
  report_id bigint NOT NULL UNIQUE REFERENCES published_reports,
  kind text NOT NULL CHECK (kind IN ('withdrawn', 'superseded')),
  -- The report that replaces it; only for 'superseded', and never the report itself.
  successor_id bigint REFERENCES published_reports,
  reason text NOT NULL CHECK (length(btrim(reason)) BETWEEN 1 AND 2000),
  corrected_at timestamptz NOT NULL DEFAULT now(),
  corrected_by text NOT NULL,
  CHECK ((kind = 'superseded') = (successor_id IS NOT NULL)),
  CHECK (successor_id <> report_id)
);
CREATE INDEX report_corrections_successor_idx ON report_corrections (successor_id);

CREATE FUNCTION report_corrections_unchangeable() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  RAISE EXCEPTION 'Eine Korrektur eines Berichts kann nicht geändert oder gelöscht werden (%).', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END
$body$;

CREATE TRIGGER report_corrections_no_change
  BEFORE UPDATE OR DELETE ON report_corrections
  FOR EACH ROW EXECUTE FUNCTION report_corrections_unchangeable();
CREATE TRIGGER report_corrections_no_truncate
  BEFORE TRUNCATE ON report_corrections
  FOR EACH STATEMENT EXECUTE FUNCTION report_corrections_unchangeable();
