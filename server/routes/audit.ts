// The audit log for admins, as JSON, CSV, XLSX or Arrow.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import {
  ACTION_LABELS,
  AUDIT_ACTIONS,
  type AuditAction,
  auditEntries,
} from '../audit/audit-log.ts';
import { auditDetailText } from '../audit/audit-text.ts';
import { todayInBerlin } from '../dates.ts';
import { formatDateDe } from '../import/validate.ts';
import { negotiateFormat, sendTable } from './formats.ts';
import { FormatParam, IsoDate, Nullable } from './schemas.ts';

const Entry = Type.Object({
  id: Type.String(),
  at: Type.String(),
  actor: Nullable(Type.String()),
  actor_role: Nullable(Type.String()),
  action: Type.String(),
  action_label: Type.String(),
  target: Nullable(Type.String()),
  source: Nullable(Type.String()),
  detail: Nullable(Type.Record(Type.String(), Type.Unknown())),
  /** The details in German sentences, as the page shows them. */
  detail_text: Type.String(),
});

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
        querystring: Type.Object({
          from: Type.Optional(IsoDate),
          to: Type.Optional(IsoDate),
          action: Type.Optional(Type.Union(AUDIT_ACTIONS.map((action) => Type.Literal(action)))),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000, default: 500 })),
          format: FormatParam,
        }),
        response: { 200: Type.Object({ entries: Type.Array(Entry) }) },
      },
    },
    async (request, reply) => {
      const { from, to, action, limit = 500 } = request.query;
      const rows = await auditEntries(app.database.db, {
        from,
        to,
        action: action as AuditAction | undefined,
        limit,
      });
      const entries = rows.map((row) => ({
        ...row,
        at: row.at.toISOString(),
        action_label: ACTION_LABELS[row.action as AuditAction] ?? row.action,
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
