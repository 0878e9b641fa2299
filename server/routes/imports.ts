import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ImportLogEntry, ImportSummary } from '../../contract/api.ts';
import { auditActor } from '../accounts/caller.ts';
import { importAuditDetail, recordAudit } from '../audit/audit-log.ts';
import { ImportRequestError, importExport } from '../import/import-export.ts';
import { parseDate } from '../import/validate.ts';
import { invalidParameter, ProblemError } from '../plugins/errors.ts';

const FIELD_LIMIT = 100;
const isTrue = (value: string | undefined) => value === 'true' || value === '1' || value === 'on';

const imports: FastifyPluginAsyncTypebox = async (app) => {
  const { config } = app;

  app.post(
    '/api/v1/imports',
    {
      bodyLimit: config.uploadLimitBytes + 1024 * 1024,
      config: { access: ['admin', 'provider'] },
      schema: {
        consumes: ['multipart/form-data'],
        response: { 200: ImportSummary, 422: ImportSummary },
      },
    },
    async (request, reply) => {
      if (!request.isMultipart()) {
        throw new ProblemError(
          415,
          'Falscher Inhaltstyp',
          'Bitte als multipart/form-data senden, mit den Feldern file, provider und as_of.',
        );
      }
      const fields: Record<string, string> = {};
      let file: { name: string; path: string } | undefined;
      // The upload goes to a private temporary file (never into memory whole) and is
      // removed when the request ends, whatever happens.
      const spool = await mkdtemp(join(tmpdir(), 'zwischenbilanz-upload-'));
      try {
        return await receiveAndImport();
      } finally {
        await rm(spool, { recursive: true, force: true });
      }

      async function receiveAndImport() {
        for await (const part of request.parts({
          limits: {
            fileSize: config.uploadLimitBytes,
            fields: 10,
            fieldSize: FIELD_LIMIT,
            files: 1,
          },
        })) {
          if (part.type === 'file') {
            if (part.fieldname !== 'file') {
              part.file.resume();
              throw new ProblemError(
                400,
                'Ungültige Anfrage',
                `Unbekanntes Dateifeld „${part.fieldname}“: die Datei gehört ins Feld „file“.`,
              );
            }
            const path = join(spool, 'export');
            // Throws the 413 of @fastify/multipart as soon as the limit is passed.
            await pipeline(part.file, createWriteStream(path, { mode: 0o600 }));
            file = { name: part.filename.slice(0, 255), path };
          } else {
            fields[part.fieldname] = String(part.value);
          }
        }
        if (!file)
          throw invalidParameter(
            'file',
            undefined,
            { allowed: 'die Exportdatei (CSV, XLSX oder Apache Arrow)' },
            { in: 'body' },
          );
        const provider = fields.provider?.trim().toUpperCase();
        if (!provider)
          throw invalidParameter(
            'provider',
            fields.provider,
            { allowed: 'der Trägercode, z. B. AWO' },
            { in: 'body', problem: 'fehlt' },
          );
        const { caller } = request;
        if (
          caller.kind !== 'anonymous' &&
          caller.role === 'provider' &&
          caller.provider !== provider
        )
          throw new ProblemError(
            403,
            'Keine Berechtigung',
            `Dieses Konto darf nur Exporte des Trägers ${caller.provider} importieren, nicht ${provider}.`,
          );
        const asOf = fields.as_of ? parseDate(fields.as_of.trim()) : undefined;
        if (!asOf)
          throw invalidParameter(
            'as_of',
            fields.as_of,
            { allowed: 'der Stand des Exports als JJJJ-MM-TT, z. B. 2021-03-01' },
            {
              in: 'body',
              ...(fields.as_of ? { problem: `„${fields.as_of}“ ist kein gültiges Datum` } : {}),
            },
          );
        try {
          const summary = await importExport(app.database, {
            district: config.district,
            provider,
            asOf,
            fileName: file.name,
            path: file.path,
            dryRun: isTrue(fields.dry_run),
            force: isTrue(fields.force),
          });
          request.log.info(
            { provider, asOf, status: summary.status, rows: summary.rows },
            'import',
          );
          await recordAudit(app.database.db, {
            ...auditActor(caller),
            action: summary.status === 'dry_run' ? 'import_dry_run' : 'import',
            target: `${provider} Stand ${asOf}`,
            source: request.ip,
            detail: importAuditDetail(summary, file.name),
          });
          return reply.status(summary.status === 'rejected' ? 422 : 200).send(summary);
        } catch (error) {
          if (error instanceof ImportRequestError)
            throw new ProblemError(400, 'Ungültige Anfrage', error.message);
          throw error;
        }
      }
    },
  );

  app.get(
    '/api/v1/imports',
    {
      config: { access: ['admin', 'provider'] },
      schema: {
        response: {
          200: Type.Object({ imports: Type.Array(ImportLogEntry) }),
        },
      },
    },
    async (request) => {
      const { caller } = request;
      // A provider sees the log of its own imports only.
      const ownProvider =
        caller.kind !== 'anonymous' && caller.role === 'provider' ? caller.provider : null;
      let query = app.database.db
        .selectFrom('imports')
        .select([
          'id',
          'provider',
          'as_of',
          'status',
          'file_name',
          'file_format as format',
          'file_bytes as bytes',
          'checksum',
          'forced',
          'rows_read as rows',
          'cases_new as new',
          'cases_changed as changed',
          'cases_unchanged as unchanged',
          'cases_missing as missing',
          'warning_count',
          'error_count',
          'created_at',
        ])
        .where('district_key', '=', config.district)
        .orderBy('id', 'desc');
      if (ownProvider !== null) query = query.where('provider', '=', ownProvider);
      const rows = await query.execute();
      return {
        imports: rows.map((row) => ({
          ...row,
          bytes: row.bytes === null ? null : Number(row.bytes),
          created_at: row.created_at.toISOString(),
        })),
      };
    },
  );
};

export default imports;
