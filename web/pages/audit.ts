// The audit log for admins (#protokoll): who signed in, imported, or changed accounts and
// tokens, filtered by period and action; the same selection as a CSV download.
import { AUDIT_ACTION_LABELS, AUDIT_ACTIONS, type AuditAction } from '../../contract/labels.ts';
import { type AuditEntry, type AuditQuery, auditUrl, fetchAudit } from '../api.ts';
import { cell, element, field, withAttributes } from '../dom.ts';
import { formatCount, formatDateTime } from '../format.ts';
import { ROLE_LABELS, signedIn } from '../session.ts';
import { adminOnly } from './admin-only.ts';

/** The server's default number of entries: a full page means older ones were left out. */
const PAGE_SIZE = 500;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filter from the route's parameters (#protokoll?from=…&to=…&action=…), checked. */
export function auditFilter(params: URLSearchParams): AuditQuery {
  const date = (name: string) => {
    const value = params.get(name) ?? '';
    return ISO_DATE.test(value) ? value : undefined;
  };
  const action = params.get('action') as AuditAction | null;
  return {
    from: date('from'),
    to: date('to'),
    action: action && AUDIT_ACTIONS.includes(action) ? action : undefined,
  };
}

export function auditHash(filter: AuditQuery): string {
  const params = new URLSearchParams();
  for (const name of ['from', 'to', 'action'] as const) {
    const value = filter[name];
    if (value) params.set(name, value);
  }
  const search = params.toString();
  return `#protokoll${search ? `?${search}` : ''}`;
}

const dash = '–';

function entryRow(entry: AuditEntry) {
  const detail = entry.detail_text;
  const role = entry.actor_role
    ? (ROLE_LABELS[entry.actor_role as keyof typeof ROLE_LABELS] ?? entry.actor_role)
    : dash;
  return element(
    'tr',
    {},
    cell(
      'Zeitpunkt',
      element('time', { dateTime: entry.at, textContent: formatDateTime(entry.at) }),
    ),
    cell('Wer', entry.actor ?? 'unbekannt'),
    cell('Rolle', role),
    cell('Aktion', entry.action_label),
    cell('Betrifft', entry.target ?? dash),
    cell('Von wo', entry.source ?? dash),
    // Left empty, not dashed: a phone then leaves the line out.
    cell(
      'Einzelheiten',
      ...(detail ? [element('span', { className: 'detail', textContent: detail })] : []),
    ),
  );
}

let latest = 0;

export function showAudit(container: HTMLElement, params: URLSearchParams) {
  ++latest;
  if (!adminOnly(container, 'Protokoll')) return;
  const filter = auditFilter(params);

  const input = (name: 'from' | 'to', label: string) =>
    field(
      label,
      element('input', {
        id: `audit-${name}`,
        type: 'date',
        name,
        value: filter[name] ?? '',
        min: '2018-01-01',
      }),
    );
  const action = element(
    'select',
    { id: 'audit-action', name: 'action' },
    element('option', { value: '', textContent: 'alle Aktionen' }),
    ...AUDIT_ACTIONS.map((value) =>
      element('option', {
        value,
        textContent: AUDIT_ACTION_LABELS[value],
        selected: value === filter.action,
      }),
    ),
  );
  const form = element(
    'form',
    { className: 'filters' },
    input('from', 'Von (Tag)'),
    input('to', 'Bis (Tag)'),
    field('Aktion', action),
    element('button', { type: 'submit', className: 'button', textContent: 'Anzeigen' }),
  );
  withAttributes(form, { 'aria-label': 'Protokoll filtern' });
  const csv = element('a', { textContent: 'Als CSV herunterladen' });
  const json = element('a', { textContent: 'JSON' });
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const rows = element('tbody');
  const table = element(
    'table',
    { className: 'records audit' },
    element('caption', { className: 'visually-hidden', textContent: 'Protokoll, neueste zuerst' }),
    element(
      'thead',
      {},
      element(
        'tr',
        {},
        ...['Zeitpunkt', 'Wer', 'Rolle', 'Aktion', 'Betrifft', 'Von wo', 'Einzelheiten'].map(
          (header) => element('th', { scope: 'col', textContent: header }),
        ),
      ),
    ),
    rows,
  );
  const frame = element('div', { className: 'table-frame', hidden: true }, table);

  container.replaceChildren(
    element('h2', { textContent: 'Protokoll', tabIndex: -1 }),
    element('p', {
      className: 'lead',
      textContent:
        'Anmeldungen, Importe und Änderungen an Konten und API-Tokens, die neuesten zuerst. Zeiten in deutscher Zeit (Europe/Berlin).',
    }),
    form,
    element('p', { className: 'links' }, csv, ' · ', json),
    status,
    frame,
  );

  async function load(current: AuditQuery) {
    const run = ++latest;
    csv.href = auditUrl(current, 'csv');
    json.href = auditUrl(current);
    status.className = 'status';
    status.textContent = 'Protokoll wird geladen …';
    frame.hidden = true;
    if (current.from && current.to && current.from > current.to) {
      status.className = 'status error';
      status.textContent = 'Der Tag „Bis“ liegt vor dem Tag „Von“.';
      return;
    }
    try {
      const { entries } = await signedIn(() => fetchAudit(current));
      if (run !== latest) return;
      rows.replaceChildren(...entries.map(entryRow));
      frame.hidden = entries.length === 0;
      status.textContent =
        entries.length === 0
          ? 'Keine Einträge für diese Auswahl.'
          : entries.length >= PAGE_SIZE
            ? `Die neuesten ${formatCount(entries.length)} Einträge; für ältere bitte den Zeitraum eingrenzen.`
            : `${formatCount(entries.length)} ${entries.length === 1 ? 'Eintrag' : 'Einträge'}.`;
    } catch (error) {
      if (run !== latest) return;
      status.className = 'status error';
      status.textContent = `Das Protokoll konnte nicht geladen werden: ${(error as Error).message}`;
    }
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
    const next = auditFilter(
      new URLSearchParams({ from: value('from'), to: value('to'), action: value('action') }),
    );
    // A new entry in the history without a new page: the form keeps focus.
    window.history.pushState(null, '', auditHash(next));
    void load(next);
  });
  void load(filter);
}
