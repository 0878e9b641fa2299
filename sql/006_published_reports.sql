-- Published reports (issue #6): an interim report frozen by an admin under a stable address.
-- A row holds everything its page shows, as disclosed to the public, and is never changed
-- or deleted afterwards: the database refuses it, whoever asks.

CREATE TABLE published_reports (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  district_key text NOT NULL REFERENCES districts,
  -- The address of the report (/#berichte/<slug>): its date and title, e.g.
  -- "2021-03-01-zwischenbilanz-maerz-2021".
  slug text NOT NULL UNIQUE CHECK (slug ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}(-[a-z0-9]+)*$'),
  title text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
  stichtag date NOT NULL,
  beendet_bis date NOT NULL CHECK (beendet_bis >= stichtag),
  published_at timestamptz NOT NULL DEFAULT now(),
  published_by text NOT NULL,
  -- What the page shows: the figures as disclosed to the public, their definitions, the
  -- disclosure rules and the imports the figures were computed from (server/reports/).
  content jsonb NOT NULL,
  -- Never sent to anyone: each published figure per provider, unsuppressed, so that a figure
  -- that reads differently today can be traced to the providers (and their imports) that
  -- changed it. Counts per provider are aggregates, no personal data.
  provider_values jsonb NOT NULL
);
CREATE INDEX published_reports_district_idx ON published_reports (district_key, published_at);

CREATE FUNCTION published_reports_unchangeable() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  RAISE EXCEPTION 'Ein veröffentlichter Bericht kann nicht geändert oder gelöscht werden (%).', TG_OP
    USING ERRCODE = 'integrity_constraint_violation';
END
$body$;

CREATE TRIGGER published_reports_no_change
  BEFORE UPDATE OR DELETE ON published_reports
  FOR EACH ROW EXECUTE FUNCTION published_reports_unchangeable();
CREATE TRIGGER published_reports_no_truncate
  BEFORE TRUNCATE ON published_reports
  FOR EACH STATEMENT EXECUTE FUNCTION published_reports_unchangeable();
