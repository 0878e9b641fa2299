// Published reports (#berichte, #berichte/<slug>): the list with, for admins, a form that
// publishes a new one; and one report as it was frozen, printable as an A4 PDF, with a box
// that says which of its figures today's data would show differently, and why.
import {
  type FigureChange,
  fetchReport,
  fetchReports,
  type ImportSince,
  type Indicator,
  type PublishedReport,
  type PublishedReportSummary,
  publishReport,
  reportUrl,
} from '../api.ts';
import { cell, type DataLinks, dataLinks, element, field, withAttributes } from '../dom.ts';
import {
  formatCount,
  formatDate,
  formatDateTime,
  formatDay,
  formatDecimal,
  formatPercent,
  protectionNote,
  SUPPRESSED,
  todayIso,
} from '../format.ts';
import type { PageRoute } from '../main.ts';
import { isAdmin, signedIn } from '../session.ts';
import {
  ageFigure,
  barsOf,
  chartFigure,
  DEFAULTS,
  DENOMINATOR_NAMES,
  leaseFigure,
  tile,
  trendFigure,
} from './report.ts';

const TITLE = 'Veröffentlichte Berichte';
let latest = 0;

export function showPublished(container: HTMLElement, { target, focus }: PageRoute) {
  const run = ++latest;
  if (target) void showReport(container, decodeURIComponent(target), focus, run);
  else void showList(container, focus, run);
}

const reportHash = (slug: string) => `#berichte/${encodeURIComponent(slug)}`;

// The list ------------------------------------------------------------------------------

async function showList(container: HTMLElement, focus: boolean, run: number) {
  const heading = element('h2', { textContent: TITLE, tabIndex: -1 });
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  const rows = element('tbody');
  const frame = element(
    'div',
    { className: 'table-frame', hidden: true },
    element(
      'table',
      { className: 'records reports' },
      element('caption', { className: 'visually-hidden', textContent: TITLE }),
      element(
        'thead',
        {},
        element(
          'tr',
          {},
          ...['Titel', 'Stichtag', 'Beendete Fälle bis', 'Veröffentlicht'].map((header) =>
            element('th', { scope: 'col', textContent: header }),
          ),
        ),
      ),
      rows,
    ),
  );
  container.replaceChildren(
    heading,
    element('p', {
      className: 'lead',
      textContent:
        'Zwischenbilanzen so, wie sie veröffentlicht wurden: mit ihren Zahlen, Definitionen und Regeln unveränderlich gespeichert, jede unter einer festen Adresse und als PDF druckbar. Jeder Bericht zeigt, welche seiner Zahlen nach heutigem Datenstand anders lauten und warum.',
    }),
    ...(isAdmin() ? [publishForm()] : []),
    element('h3', { textContent: 'Berichte' }),
    status,
    frame,
  );
  if (focus) heading.focus();
  status.textContent = 'Berichte werden geladen …';
  try {
    const { reports } = await fetchReports();
    if (run !== latest) return;
    rows.replaceChildren(...reports.map(reportRow));
    frame.hidden = reports.length === 0;
    status.textContent =
      reports.length === 0
        ? 'Es ist noch kein Bericht veröffentlicht.'
        : `${formatCount(reports.length)} ${reports.length === 1 ? 'Bericht' : 'Berichte'}, der neueste zuerst.`;
  } catch (error) {
    if (run !== latest) return;
    status.className = 'status error';
    status.textContent = `Die Berichte konnten nicht geladen werden: ${(error as Error).message}`;
  }
}

function reportRow(report: PublishedReportSummary) {
  return element(
    'tr',
    {},
    cell('Titel', element('a', { href: reportHash(report.slug), textContent: report.title })),
    cell('Stichtag', formatDate(report.stichtag)),
    cell('Beendete Fälle bis', formatDate(report.beendet_bis)),
    cell('Veröffentlicht', `${formatDateTime(report.published_at)} von ${report.published_by}`),
  );
}

function publishForm() {
  const today = todayIso();
  const title = element('input', {
    id: 'report-title',
    name: 'title',
    required: true,
    maxLength: 200,
    autocomplete: 'off',
    value: 'Zwischenbilanz',
  });
  const dateInput = (id: string, name: string, value: string) =>
    element('input', {
      id,
      name,
      type: 'date',
      required: true,
      min: '2018-01-01',
      max: today,
      value,
    });
  const stichtag = dateInput('report-stichtag', 'stichtag', DEFAULTS.stichtag);
  const beendetBis = dateInput('report-beendet-bis', 'beendet_bis', DEFAULTS.beendet_bis);
  const error = withAttributes(element('p', { className: 'form-error' }), { role: 'alert' });
  const submit = element('button', {
    type: 'submit',
    className: 'button',
    textContent: 'Veröffentlichen',
  });
  const hint = element('p', {
    id: 'report-publish-hint',
    className: 'hint',
    textContent:
      'Die Zahlen werden so gespeichert, wie die Öffentlichkeit sie sieht (Eckwerte zum Monatsersten exakt, alle übrigen zum Schutz kleiner Fallzahlen leicht verändert). Ein veröffentlichter Bericht kann nicht mehr geändert oder gelöscht werden.',
  });
  withAttributes(submit, { 'aria-describedby': hint.id });
  const form = element(
    'form',
    { className: 'panel publish-form', noValidate: true },
    element('h3', { textContent: 'Neuen Bericht veröffentlichen' }),
    field('Titel', title),
    field('Stichtag für betreute Personen', stichtag),
    field('Beendete Fälle bis', beendetBis),
    error,
    element('div', { className: 'actions' }, submit, hint),
  );
  const fail = (message: string, control?: HTMLElement) => {
    error.textContent = message;
    control?.setAttribute('aria-invalid', 'true');
    control?.focus();
  };
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const control of [title, stichtag, beendetBis]) control.removeAttribute('aria-invalid');
    const report = {
      title: title.value.trim(),
      stichtag: stichtag.value,
      beendet_bis: beendetBis.value,
    };
    if (!report.title) return fail('Bitte einen Titel eingeben.', title);
    if (!report.stichtag) return fail('Bitte den Stichtag wählen.', stichtag);
    if (!report.beendet_bis) return fail('Bitte „Beendete Fälle bis“ wählen.', beendetBis);
    if (report.beendet_bis < report.stichtag)
      return fail('„Beendete Fälle bis“ darf nicht vor dem Stichtag liegen.', beendetBis);
    const sure = window.confirm(
      `„${report.title}“ mit Stichtag ${formatDate(report.stichtag)} und beendeten Fällen bis ${formatDate(report.beendet_bis)} veröffentlichen? Der Bericht kann danach nicht mehr geändert oder gelöscht werden.`,
    );
    if (!sure) return;
    submit.disabled = true;
    try {
      const published = await signedIn((csrf) => publishReport(report, csrf));
      window.location.hash = reportHash(published.slug);
    } catch (cause) {
      fail(`Der Bericht wurde nicht veröffentlicht: ${(cause as Error).message}`);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

// One report ----------------------------------------------------------------------------

async function showReport(container: HTMLElement, slug: string, focus: boolean, run: number) {
  const back = element(
    'p',
    { className: 'back' },
    element('a', { href: '#berichte', textContent: 'Alle Berichte' }),
  );
  const heading = element('h2', {
    className: 'report-title',
    textContent: 'Bericht wird geladen …',
    tabIndex: -1,
  });
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  container.replaceChildren(back, heading, status);
  if (focus) heading.focus();
  let report: PublishedReport;
  try {
    report = await fetchReport(slug);
  } catch (error) {
    if (run !== latest) return;
    heading.textContent = TITLE;
    status.className = 'status error';
    status.textContent = `Der Bericht konnte nicht geladen werden: ${(error as Error).message}`;
    return;
  }
  if (run !== latest) return;
  heading.textContent = report.title;
  document.title = `${report.title} – Zwischenbilanz Integrationsmanagement`;
  status.remove();
  container.replaceChildren(back, heading, ...reportBody(report, container));
}

function reportBody(report: PublishedReport, container: HTMLElement): HTMLElement[] {
  const { content } = report;
  const links: DataLinks = {
    json: reportUrl(report.slug),
    csv: reportUrl(report.slug, 'csv'),
    arrow: reportUrl(report.slug, 'arrow'),
  };
  const width = Math.max(280, Math.min(520, (container.clientWidth || 560) - 40));
  const on = (list: Indicator[], id: string) => list.find((i) => i.id === id) as Indicator;
  const closedCount = on(content.closed, 'cases_closed');
  const withLease = on(content.closed, 'cases_closed_with_lease');
  const breakdownColors: Record<string, string> = {
    language_level: '#2b7a4b',
    employment: '#8a4f9e',
  };
  const address = new URL(reportHash(report.slug), window.location.href).href;

  const meta = element(
    'div',
    { className: 'report-meta' },
    element('p', {
      className: 'published-at',
      textContent: `Veröffentlicht am ${formatDateTime(report.published_at)} von ${report.published_by}`,
    }),
    element('p', {
      textContent: `Betreute Personen am Stichtag ${formatDate(content.stichtag)}, beendete Fälle bis ${formatDate(content.beendet_bis)}. Zahlen wie für die Öffentlichkeit.`,
    }),
    element('p', { className: 'print-only', textContent: `Adresse: ${address}` }),
    element(
      'p',
      { className: 'report-actions' },
      element('button', {
        type: 'button',
        className: 'button',
        textContent: 'Drucken / PDF',
        onclick: () => window.print(),
      }),
      dataLinks(links, 'span'),
    ),
  );

  const section = (id: string, title: string, ...children: HTMLElement[]) =>
    element(
      'section',
      { className: `report-section published-${id}` },
      element('h3', { id: `published-${id}`, textContent: title }),
      ...children,
    );
  const caseloadTiles = element(
    'div',
    { className: 'tiles' },
    tile(on(content.caseload, 'clients_active'), content.stichtag),
    tile(on(content.caseload, 'clients_minor'), content.stichtag),
    ...['language_b1_plus_share', 'employment_sv_share', 'training_share'].map((id) =>
      tile(on(content.caseload, id), content.stichtag, DENOMINATOR_NAMES.clients_adult),
    ),
  );
  const closedTiles = element(
    'div',
    { className: 'tiles' },
    tile(closedCount, content.beendet_bis),
    tile(withLease, content.beendet_bis),
    tile(
      on(content.closed, 'cases_closed_with_lease_share'),
      content.beendet_bis,
      DENOMINATOR_NAMES.cases_closed,
    ),
  );
  const charts = element(
    'div',
    { className: 'charts' },
    ageFigure(content.stichtag, content.caseload, links, width),
    ...(content.trend ? [trendFigure(content.stichtag, content.trend.points, links, width)] : []),
    ...content.breakdowns.map((breakdown) =>
      chartFigure(
        breakdown.title,
        breakdown.date,
        breakdown.by_label,
        barsOf(breakdown),
        links,
        breakdownColors[breakdown.by],
        width,
      ),
    ),
    leaseFigure(content.beendet_bis, content.closed, links, width),
  );

  return [
    meta,
    changesBox(report),
    section('caseload', 'Betreute Personen', caseloadTiles),
    section('closed', 'Beendete Fälle', closedTiles),
    section('charts', 'Grafiken', charts),
    section('definitions', 'Definitionen und Regeln', ...definitionsNote(report)),
    section('imports', 'Verwendete Datenstände', ...importsTable(report)),
  ];
}

// What changed ----------------------------------------------------------------------------

function figureText(kind: FigureChange['kind'], figure: FigureChange['published']): string {
  if (figure.suppressed || figure.value === null) return `${SUPPRESSED} (gesperrt)`;
  if (kind === 'share') {
    const parts =
      figure.numerator !== null && figure.denominator !== null
        ? ` (${formatCount(figure.numerator)} von ${formatCount(figure.denominator)})`
        : '';
    return `${formatPercent(figure.value)}${parts}`;
  }
  if (kind === 'ratio') return formatDecimal(figure.value);
  return formatCount(figure.value);
}

/** "Import AWO, Stand 01.06.2021, eingespielt am 30.11.2026". */
export const importText = (entry: ImportSince) =>
  `Import ${entry.provider}, Stand ${formatDate(entry.as_of)}, eingespielt am ${formatDay(entry.created_at)}`;

/**
 * "Betreute Personen (Stand 01.01.2021): veröffentlicht 2.469, nach heutigem Datenstand
 * 2.475 – geändert durch Import AWO, Stand 01.06.2021, eingespielt am 30.11.2026".
 */
export function changeText(change: FigureChange, calculationChanged: boolean): string {
  const head = `${change.label} (Stand ${formatDate(change.date)}): veröffentlicht ${figureText(change.kind, change.published)}, nach heutigem Datenstand ${figureText(change.kind, change.today)}`;
  // A change without an import since publication can only come from the calculation.
  const cause =
    change.imports.length > 0
      ? `geändert durch ${change.imports.map(importText).join('; ')}`
      : calculationChanged
        ? 'geändert durch eine seither geänderte Berechnung'
        : change.providers.length > 0
          ? `geänderte Daten von ${change.providers.join(', ')}`
          : '';
  return cause ? `${head} – ${cause}` : head;
}

function changesBox(report: PublishedReport) {
  const heading = element('h3', {
    id: 'published-changes',
    textContent: 'Was sich seither geändert hat',
  });
  const checked = element('p', {
    className: 'checked',
    textContent: `Verglichen mit dem Datenstand vom ${formatDateTime(report.checked_at)}, mit denselben Stichtagen und Sperrregeln. Die Zahlen oben bleiben die veröffentlichten.`,
  });
  const box = withAttributes(element('section', { className: 'changes-box' }), {
    'aria-labelledby': heading.id,
  });
  if (report.changes.length === 0) {
    box.classList.add('unchanged');
    box.append(
      heading,
      element('p', { textContent: 'Seit der Veröffentlichung hat sich keine Zahl geändert.' }),
      checked,
    );
    return box;
  }
  box.append(
    heading,
    element('p', {
      textContent: `${formatCount(report.changes.length)} ${report.changes.length === 1 ? 'Zahl lautet' : 'Zahlen lauten'} nach heutigem Datenstand anders:`,
    }),
    element(
      'ul',
      {},
      ...report.changes.map((change) =>
        element('li', {
          className: 'change',
          textContent: changeText(change, report.calculation_changed),
        }),
      ),
    ),
    ...(report.calculation_changed
      ? [
          element('p', {
            textContent:
              'Die Berechnung der Kennzahlen wurde seit der Veröffentlichung geändert; die Definitionen unten sind die damaligen.',
          }),
        ]
      : []),
    checked,
  );
  return box;
}

// Footnotes ------------------------------------------------------------------------------

function definitionsNote(report: PublishedReport): HTMLElement[] {
  const { rules, definitions } = report.content;
  const figures = [
    ...report.content.caseload,
    ...report.content.closed,
    ...report.content.breakdowns.flatMap((breakdown) => breakdown.rows),
    ...(report.content.trend?.points ?? []),
  ];
  return [
    element('p', {
      className: 'footnote',
      textContent: `${protectionNote(rules, figures)} Die Zahlen beschreiben Lebenslagen betreuter Personen, nicht die Wirkung der Beratung.`,
    }),
    element(
      'dl',
      { className: 'published-definitions' },
      ...definitions.map((definition) =>
        element(
          'div',
          {},
          element('dt', { textContent: definition.label }),
          element('dd', { textContent: definition.definition }),
        ),
      ),
    ),
  ];
}

function importsTable(report: PublishedReport): HTMLElement[] {
  const { imports } = report.content;
  if (imports.length === 0)
    return [
      element('p', { textContent: 'Zur Zeit der Veröffentlichung war kein Export eingespielt.' }),
    ];
  return [
    element('p', {
      className: 'footnote',
      textContent:
        'Die Zahlen wurden aus diesen Exporten der Träger berechnet; die Prüfsumme (SHA-256) weist nach, welche Datei es war.',
    }),
    element(
      'div',
      { className: 'table-frame' },
      element(
        'table',
        { className: 'records imports-used' },
        element('caption', { className: 'visually-hidden', textContent: 'Verwendete Datenstände' }),
        element(
          'thead',
          {},
          element(
            'tr',
            {},
            ...['Träger', 'Stand', 'Datei', 'Eingespielt', 'Prüfsumme'].map((header) =>
              element('th', { scope: 'col', textContent: header }),
            ),
          ),
        ),
        element(
          'tbody',
          {},
          ...imports.map((entry) =>
            element(
              'tr',
              {},
              cell('Träger', entry.provider),
              cell('Stand', formatDate(entry.as_of)),
              cell('Datei', entry.file_name ?? '–'),
              cell('Eingespielt', formatDateTime(entry.created_at)),
              cell(
                'Prüfsumme',
                element('code', { className: 'checksum', textContent: entry.checksum }),
              ),
            ),
          ),
        ),
      ),
    ),
  ];
}
