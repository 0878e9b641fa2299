-- Every change to the import log tells the servers that listen (NOTIFY, delivered when the
-- changing transaction commits, to every session that listens, in any process): the data
-- version of cached figure answers (server/plugins/figure-cache.ts) is read from `imports`
-- again after it, and not on every request. One notification per statement, whatever
-- changed the log: an import, a deletion by hand, a truncation.
CREATE FUNCTION notify_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('zb_data_version', '');
  RETURN NULL;
END
$$;

CREATE TRIGGER imports_notify_data_version
AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON imports
FOR EACH STATEMENT EXECUTE FUNCTION notify_data_version();
