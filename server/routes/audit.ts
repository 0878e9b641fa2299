// The audit log for admins, as JSON, CSV, XLSX or Arrow.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { AuditEntry, AuditQuery, FormatParam } from '../../contract/api.ts';
import { todayInBerlin } from '../../contract/dates.ts';
import { AUDIT_ACTION_LABELS, type AuditAction } from '../../contract/labels.ts';
import { auditEntries } from '../audit/audit-log.ts';
import { auditDetailText } from '../audit/audit-text.ts';
import { formatDateDe } from '../import/validate.ts';
import { negotiateFormat, sendTable } from './formats.ts';

const berlinTime = new Intl.DateTimeFormat('de-DE', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'Europe/Berlin',
});

const audit: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/audit',
    {
      config: { access: ['admin'] },
      schema: {
        querystring: Type.Object({ ...AuditQuery.properties, format: FormatParam }),
        response: { 200: Type.Object({ entries: Type.Array(AuditEntry) }) },
      },
    },
    async (request, reply) => {
      const { from, to, action, limit = 500 } = request.query;
      const rows = await auditEntries(app.database.db, { from, to, action, limit });
      const entries = rows.map((row) => ({
        ...row,
        action: row.action as AuditAction,
        at: row.at.toISOString(),
        action_label: AUDIT_ACTION_LABELS[row.action as AuditAction] ?? row.action,
        detail_text: auditDetailText(row.action, row.detail),
      }));
      const format = negotiateFormat(request, request.query.format);
      if (format !== 'json') {
        return sendTable(
          reply,
          format,
          `protokoll-${todayInBerlin()}`,
          [
            { key: 'id', header: 'Nr.', value: (r) => r.id },
            {
              key: 'at',
              header: 'Zeitpunkt',
              type: format === 'csv' ? 'text' : 'timestamp',
              value: (r) => (format === 'csv' ? berlinTime.format(new Date(r.at)) : r.at),
            },
            { key: 'actor', header: 'Wer', value: (r) => r.actor },
            { key: 'actor_role', header: 'Rolle', value: (r) => r.actor_role },
            { key: 'action', header: 'Aktion', value: (r) => r.action },
            { key: 'action_label', header: 'Aktion (Text)', value: (r) => r.action_label },
            { key: 'target', header: 'Betrifft', value: (r) => r.target },
            { key: 'source', header: 'Von wo', value: (r) => r.source },
            { key: 'detail_text', header: 'Einzelheiten', value: (r) => r.detail_text || null },
            {
              key: 'detail',
              header: 'Einzelheiten (Daten)',
              value: (r) => (r.detail ? JSON.stringify(r.detail) : null),
            },
          ],
          entries,
          {
            meta: {
              title: 'Protokoll',
              stand: `Stand ${formatDateDe(todayInBerlin())}`,
              source: 'Quelle: Protokoll der Zwischenbilanz, nur für Administratoren',
            },
          },
        );
      }
      return { entries };
    },
  );
};

export default audit;
