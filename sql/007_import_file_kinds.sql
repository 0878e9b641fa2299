-- The import log names what a refused file was, told from its content: an OpenDocument
-- spreadsheet, an old .xls, UTF-16 text, a PDF or a gzip archive, rather than nothing (or,
-- for an .ods, "XLSX" because it is a zip as well).
ALTER TABLE imports DROP CONSTRAINT imports_file_format_check;
ALTER TABLE imports ADD CONSTRAINT imports_file_format_check
  CHECK (file_format IN ('csv', 'xlsx', 'arrow-file', 'arrow-stream',
                         'ods', 'xls', 'utf-16', 'pdf', 'gzip'));
