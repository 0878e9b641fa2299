// Published reports (#berichte; one report at /berichte/<slug>, rendered by the server, where
// the old #berichte/<slug> is sent): the list, current reports first, with,
// for admins, a form that publishes a new one (or one that replaces an earlier report,
// #berichte?ersetzt=<slug>); and one report as it was frozen, printable as an A4 PDF, with
// its notice when withdrawn or superseded, the "vorläufig" mark where its figures were, and
// a box that says which of its figures today's data would show differently, and why.
import {
  BREAKDOWN_CHARTS,
  PART_TITLES,
  REPORT_NAME,
  SECTION_IDS,
  SECTIONS,
  type SectionId,
} from '../../contract/interim-report.ts';
import {
  ApiError,
  type FigureChange,
  fetchReport,
  fetchReports,
  type ImportSince,
  type NewReport,
  type PublishedReport,
  type PublishedReportSummary,
  publishReport,
  reportUrl,
  withdrawReport,
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
import { pressFiguresPerturbed, pressSentences } from '../press.ts';
import { setPrintHead } from '../print.ts';
import { isAdmin, signedIn } from '../session.ts';
import {
  barsOf,
  DEFAULTS,
  isProvisional,
  type Previous,
  pressGapText,
  pressKit,
  reportCharts,
  sectionTiles,
} from './report.ts';

const TITLE = 'Veröffentlichte Berichte';
const PROVISIONAL_CONFIRM = 'Als vorläufig veröffentlichen';
const REPUBLISH_CONFIRM = 'Trotzdem einen weiteren Bericht veröffentlichen';
const REPLACES = 'Ersetzt einen veröffentlichten Bericht';
let latest = 0;

export function showPublished(container: HTMLElement, { target, params, focus }: PageRoute) {
  const run = ++latest;
  if (target) void showReport(container, decodeURIComponent(target), focus, run);
  else void showList(container, params.get('ersetzt'), focus, run);
}

/** A report's own address, which the server renders (server/routes/pages.ts). */
const reportPath = (slug: string) => `/berichte/${encodeURIComponent(slug)}`;

/** "zurückgezogen" or "ersetzt": what became of a report that is no longer current. */
const STATUS_LABELS: Record<PublishedReportSummary['status'], string> = {
  current: 'gültig',
  withdrawn: 'zurückgezogen',
  superseded: 'ersetzt',
};

const badge = (text: string, kind: string) =>
  element('span', { className: `badge ${kind}`, textContent: text });

// The list ------------------------------------------------------------------------------

async function showList(
  container: HTMLElement,
  replacing: string | null,
  focus: boolean,
  run: number,
) {
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
          ...['Titel', 'Stichtag', 'Beendete Fälle bis', 'Veröffentlicht', 'Stand'].map((header) =>
            element('th', { scope: 'col', textContent: header }),
          ),
        ),
      ),
      rows,
    ),
  );
  const publish = isAdmin() ? publishForm(replacing) : undefined;
  delete container.dataset.report;
  container.replaceChildren(
    heading,
    element('p', {
      className: 'lead',
      textContent:
        'Zwischenbilanzen so, wie sie veröffentlicht wurden: mit ihren Zahlen, Definitionen und Regeln unveränderlich gespeichert, jede unter einer festen Adresse und als PDF druckbar. Jeder Bericht zeigt, welche seiner Zahlen nach heutigem Datenstand anders lauten und warum. Ein fehlerhafter Bericht wird nicht geändert, sondern zurückgezogen oder durch einen neueren ersetzt; er bleibt mit dem Hinweis lesbar.',
    }),
    ...(publish ? [publish.form] : []),
    element('h3', { textContent: 'Berichte' }),
    status,
    frame,
  );
  setPrintHead(`${TITLE} – ${REPORT_NAME}`);
  if (focus) heading.focus();
  status.textContent = 'Berichte werden geladen …';
  try {
    const { reports } = await fetchReports();
    if (run !== latest) return;
    rows.replaceChildren(...reports.map(reportRow));
    frame.hidden = reports.length === 0;
    publish?.offerReplacing(reports);
    const corrected = reports.filter((report) => report.status !== 'current').length;
    status.textContent =
      reports.length === 0
        ? 'Es ist noch kein Bericht veröffentlicht.'
        : `${formatCount(reports.length)} ${reports.length === 1 ? 'Bericht' : 'Berichte'}: ${
            corrected === 0
              ? 'der neueste zuerst.'
              : `die gültigen zuerst, der neueste oben; danach ${formatCount(corrected)} zurückgezogene oder ersetzte.`
          }`;
  } catch (error) {
    if (run !== latest) return;
    status.className = 'status error';
    status.textContent = `Die Berichte konnten nicht geladen werden: ${(error as Error).message}`;
  }
}

function reportRow(report: PublishedReportSummary) {
  const correction = report.correction;
  const state =
    correction === null
      ? 'gültig'
      : correction.successor
        ? element(
            'span',
            {},
            `ersetzt am ${formatDay(correction.corrected_at)} durch `,
            element('a', {
              href: reportPath(correction.successor.slug),
              textContent: correction.successor.title,
            }),
          )
        : `zurückgezogen am ${formatDay(correction.corrected_at)}`;
  return element(
    'tr',
    { className: report.status },
    cell(
      'Titel',
      element('a', { href: reportPath(report.slug), textContent: report.title }),
      ...(report.provisional ? [' ', badge('vorläufig', 'provisional')] : []),
      ...(report.status === 'current' ? [] : [' ', badge(STATUS_LABELS[report.status], 'gone')]),
    ),
    cell('Stichtag', formatDate(report.stichtag)),
    cell('Beendete Fälle bis', formatDate(report.beendet_bis)),
    cell('Veröffentlicht', `${formatDateTime(report.published_at)} von ${report.published_by}`),
    cell('Stand', state),
  );
}

/** A checkbox that the server asked for, hidden until then, with why it is needed. */
function confirmation(id: string, label: string) {
  const box = element('input', { id, type: 'checkbox' });
  const why = element('p', { id: `${id}-why`, className: 'hint' });
  withAttributes(box, { 'aria-describedby': why.id });
  const wrapper = element(
    'div',
    { className: 'check-field confirmation', hidden: true },
    box,
    element('div', {}, element('label', { htmlFor: id, textContent: label }), why),
  );
  return {
    wrapper,
    box,
    ask(text: string) {
      why.textContent = text;
      wrapper.hidden = false;
    },
    reset() {
      box.checked = false;
      wrapper.hidden = true;
    },
  };
}

/** Why the server wants a confirmation, in this page's words (not the API's field names). */
export function confirmationText(problem: Record<string, unknown>, title: string): string {
  if (problem.confirmation === 'provisional_confirmed') {
    const asOf = typeof problem.data_as_of === 'string' ? problem.data_as_of : null;
    const dates = Array.isArray(problem.provisional_dates)
      ? (problem.provisional_dates as string[])
          .map((date) => `den ${formatDate(date)}`)
          .join(' und ')
      : 'diese Stichtage';
    return asOf === null
      ? `Es ist noch kein Export der Träger eingespielt: Alle Zahlen wären vorläufig. Um trotzdem zu veröffentlichen, „${PROVISIONAL_CONFIRM}“ ankreuzen; der Bericht bleibt dann für immer als „vorläufig“ gekennzeichnet.`
      : `Die Exporte der Träger reichen bis ${formatDate(asOf)}. Für ${dates} zählen Fälle als laufend, deren Ende noch nicht gemeldet ist: Die Zahlen sind vorläufig. Um sie so zu veröffentlichen, „${PROVISIONAL_CONFIRM}“ ankreuzen; der Bericht bleibt dann für immer als „vorläufig“ gekennzeichnet. Sonst Stichtage bis ${formatDate(asOf)} wählen.`;
  }
  const existing = Array.isArray(problem.existing)
    ? (problem.existing as PublishedReportSummary[])
    : [];
  const named = existing
    .map(
      (report) =>
        `„${report.title}“, veröffentlicht am ${formatDay(report.published_at)} (${STATUS_LABELS[report.status]})`,
    )
    .join('; ');
  return `Einen Bericht „${title}“ mit diesen Stichtagen gibt es schon: ${named}. Soll der neue einen davon ersetzen, ihn unter „${REPLACES}“ wählen und begründen. Für einen zweiten Bericht daneben „${REPUBLISH_CONFIRM}“ ankreuzen.`;
}

function publishForm(replacing: string | null) {
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
  const replaces = element(
    'select',
    { id: 'report-supersedes', name: 'supersedes' },
    element('option', { value: '', textContent: 'keinen' }),
  );
  const reason = element('textarea', {
    id: 'report-reason',
    name: 'reason',
    maxLength: 2000,
    rows: 2,
  });
  const reasonHint = element('p', {
    id: 'report-reason-hint',
    className: 'hint',
    textContent: 'Steht dauerhaft beim ersetzten Bericht, für alle sichtbar.',
  });
  withAttributes(reason, { 'aria-describedby': reasonHint.id });
  const reasonField = element(
    'div',
    { className: 'field reason-field', hidden: true },
    element('label', { htmlFor: reason.id, textContent: 'Warum wird er ersetzt?' }),
    reason,
    reasonHint,
  );
  const provisional = confirmation('report-provisional-confirm', PROVISIONAL_CONFIRM);
  const republish = confirmation('report-republish-confirm', REPUBLISH_CONFIRM);
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
      'Die Zahlen werden so gespeichert, wie die Öffentlichkeit sie sieht (Eckwerte zum Monatsersten exakt, alle übrigen zum Schutz kleiner Fallzahlen leicht verändert). Ein veröffentlichter Bericht wird nie geändert; ein fehlerhafter wird zurückgezogen oder ersetzt.',
  });
  withAttributes(submit, { 'aria-describedby': hint.id });
  const form = element(
    'form',
    { className: 'panel publish-form', noValidate: true },
    element('h3', { textContent: 'Neuen Bericht veröffentlichen' }),
    field('Titel', title),
    field('Stichtag für betreute Personen', stichtag),
    field('Beendete Fälle bis', beendetBis),
    field(REPLACES, replaces),
    reasonField,
    provisional.wrapper,
    republish.wrapper,
    error,
    element('div', { className: 'actions' }, submit, hint),
  );
  const fail = (message: string, control?: HTMLElement) => {
    error.textContent = message;
    control?.setAttribute('aria-invalid', 'true');
    control?.focus();
  };
  const showReason = () => {
    reasonField.hidden = replaces.value === '';
  };
  replaces.addEventListener('change', showReason);
  // A confirmation holds for the title and dates it was asked for.
  for (const control of [title, stichtag, beendetBis, replaces])
    control.addEventListener('change', () => {
      provisional.reset();
      republish.reset();
    });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    for (const control of [title, stichtag, beendetBis, reason])
      control.removeAttribute('aria-invalid');
    const report: NewReport = {
      title: title.value.trim(),
      stichtag: stichtag.value,
      beendet_bis: beendetBis.value,
      ...(provisional.box.checked ? { provisional_confirmed: true } : {}),
      ...(republish.box.checked ? { republish_confirmed: true } : {}),
      ...(replaces.value ? { supersedes: replaces.value, reason: reason.value.trim() } : {}),
    };
    if (!report.title) return fail('Bitte einen Titel eingeben.', title);
    if (!report.stichtag) return fail('Bitte den Stichtag wählen.', stichtag);
    if (!report.beendet_bis) return fail('Bitte „Beendete Fälle bis“ wählen.', beendetBis);
    if (report.beendet_bis < report.stichtag)
      return fail('„Beendete Fälle bis“ darf nicht vor dem Stichtag liegen.', beendetBis);
    if (report.supersedes && !report.reason)
      return fail('Bitte begründen, warum der alte Bericht ersetzt wird.', reason);
    const replaced = replaces.selectedOptions[0]?.textContent ?? '';
    const sure = window.confirm(
      `„${report.title}“ mit Stichtag ${formatDate(report.stichtag)} und beendeten Fällen bis ${formatDate(report.beendet_bis)} veröffentlichen?${report.provisional_confirmed ? ' Die Zahlen sind vorläufig; der Bericht bleibt für immer als „vorläufig“ gekennzeichnet.' : ''}${report.supersedes ? ` Er ersetzt „${replaced}“.` : ''} Der Bericht wird danach nicht mehr geändert; er kann nur zurückgezogen oder ersetzt werden.`,
    );
    if (!sure) return;
    submit.disabled = true;
    try {
      const published = await signedIn((csrf) => publishReport(report, csrf));
      window.location.assign(reportPath(published.slug));
    } catch (cause) {
      const problem = cause instanceof ApiError ? cause.problem : {};
      if (problem.confirmation === 'provisional_confirmed') {
        provisional.ask(confirmationText(problem, report.title));
        fail('Bitte zuerst bestätigen, dass die Zahlen vorläufig sind.', provisional.box);
      } else if (problem.confirmation === 'republish_confirmed') {
        republish.ask(confirmationText(problem, report.title));
        fail('Diesen Bericht gibt es schon: bitte wählen, was gelten soll.', republish.box);
      } else {
        fail(`Der Bericht wurde nicht veröffentlicht: ${(cause as Error).message}`);
      }
    } finally {
      submit.disabled = false;
    }
  });

  /** The current reports, to be replaced; the one in the address chosen, its title and dates taken. */
  function offerReplacing(reports: PublishedReportSummary[]) {
    const current = reports.filter((report) => report.status === 'current');
    replaces.replaceChildren(
      element('option', { value: '', textContent: 'keinen' }),
      ...current.map((report) =>
        element('option', {
          value: report.slug,
          textContent: `${report.title} (Stichtag ${formatDate(report.stichtag)}, veröffentlicht am ${formatDay(report.published_at)})`,
        }),
      ),
    );
    const chosen = current.find((report) => report.slug === replacing);
    if (chosen) {
      replaces.value = chosen.slug;
      title.value = chosen.title;
      stichtag.value = chosen.stichtag;
      beendetBis.value = chosen.beendet_bis;
      showReason();
      reason.focus();
    }
  }
  return { form, offerReplacing };
}

// One report ----------------------------------------------------------------------------

async function showReport(container: HTMLElement, slug: string, focus: boolean, run: number) {
  const back = element(
    'p',
    { className: 'back' },
    element('a', { href: '/#berichte', textContent: 'Alle Berichte' }),
  );
  const heading = element('h2', {
    className: 'report-title',
    textContent: 'Bericht wird geladen …',
    tabIndex: -1,
  });
  const status = withAttributes(element('p', { className: 'status' }), { role: 'status' });
  // A report already on the page (rendered by the server, or drawn before) stays while it
  // is asked for again, as for the signed-in district office after the session's answer:
  // no blank page in between.
  const shown = container.dataset.report === slug;
  if (!shown) {
    delete container.dataset.report;
    container.replaceChildren(back, heading, status);
  }
  if (shown) {
    // The page's title and print head as drawn, not the list's that route() set.
    const { reportTitle, printHead: head } = container.dataset;
    if (reportTitle) document.title = reportTitle;
    if (head) setPrintHead(head);
  }
  if (focus) (shown ? container.querySelector<HTMLElement>('h2.report-title') : heading)?.focus();
  let report: PublishedReport;
  try {
    report = await fetchReport(slug);
  } catch (error) {
    if (run !== latest) return;
    if (shown) {
      delete container.dataset.report;
      container.replaceChildren(back, heading, status);
    }
    heading.textContent = TITLE;
    status.className = 'status error';
    status.textContent = `Der Bericht konnte nicht geladen werden: ${(error as Error).message}`;
    return;
  }
  if (run !== latest) return;
  drawPublished(container, report, () => {
    if (run === latest) void showReport(container, slug, false, run);
  });
  if (focus) container.querySelector<HTMLElement>('h2.report-title')?.focus();
}

/** The address of a published report that the server renders: /berichte/<slug>. */
export const reportAddress = (slug: string) => `/berichte/${encodeURIComponent(slug)}`;

/**
 * Draws one published report, at once: the browser after its request, and the server for
 * the report's own address (/berichte/<slug>, server/routes/pages.ts), so both show the same.
 */
export function drawPublished(
  container: HTMLElement,
  report: PublishedReport,
  reload: () => void = () => {},
) {
  const back = element(
    'p',
    { className: 'back' },
    element('a', { href: '/#berichte', textContent: 'Alle Berichte' }),
  );
  const heading = element('h2', {
    className: 'report-title',
    textContent: report.title,
    tabIndex: -1,
  });
  document.title = `${report.title} – Zwischenbilanz Integrationsmanagement`;
  const head = printHead(report);
  setPrintHead(head);
  container.replaceChildren(back, heading, ...reportBody(report, container, reload));
  Object.assign(container.dataset, {
    report: report.slug,
    reportTitle: document.title,
    printHead: head,
  });
}

/** The head of every printed page: title, Stand, and what became of the report. */
export function printHead(report: PublishedReportSummary): string {
  const state =
    report.status === 'current'
      ? ''
      : ` · ${report.status === 'withdrawn' ? 'ZURÜCKGEZOGEN' : 'ERSETZT'}`;
  return `${report.title} · Stand ${formatDate(report.stichtag)}, beendete Fälle bis ${formatDate(report.beendet_bis)}${report.provisional ? ' · vorläufig' : ''}${state}`;
}

/** "Zurückgezogen am … von …" or "Ersetzt am … durch …", with the reason. */
function correctionNotice(report: PublishedReport): HTMLElement[] {
  const notices: HTMLElement[] = [];
  const { correction } = report;
  if (correction) {
    const when = `am ${formatDateTime(correction.corrected_at)} von ${correction.corrected_by}`;
    const heading = element('h3', {
      id: 'published-correction',
      textContent: correction.kind === 'withdrawn' ? 'Zurückgezogen' : 'Ersetzt',
    });
    notices.push(
      withAttributes(
        element(
          'section',
          { className: `correction-notice ${correction.kind}` },
          heading,
          correction.successor
            ? element(
                'p',
                {},
                `Dieser Bericht wurde ${when} durch einen neueren ersetzt: `,
                element('a', {
                  href: reportPath(correction.successor.slug),
                  textContent: correction.successor.title,
                }),
                ` (veröffentlicht am ${formatDay(correction.successor.published_at)}). Es gelten die Zahlen dort.`,
              )
            : element('p', {
                textContent: `Dieser Bericht wurde ${when} zurückgezogen. Seine Zahlen gelten nicht mehr; sie stehen hier nur, damit nachvollziehbar bleibt, was veröffentlicht war.`,
              }),
          element('p', { className: 'reason', textContent: `Begründung: ${correction.reason}` }),
        ),
        { 'aria-labelledby': heading.id },
      ),
    );
  }
  for (const earlier of report.supersedes)
    notices.push(
      element(
        'p',
        { className: 'supersedes' },
        'Dieser Bericht ersetzt ',
        element('a', { href: reportPath(earlier.slug), textContent: `„${earlier.title}“` }),
        '.',
      ),
    );
  return notices;
}

/** Why figures of the report are provisional, as it was when it was published. */
export function provisionalText(content: PublishedReport['content']): string {
  const dates = content.provisional_dates.map((date) => `den ${formatDate(date)}`).join(' und ');
  return content.data_as_of === null
    ? 'Vorläufig: Bei der Veröffentlichung war noch kein Export der Träger eingespielt. Alle Zahlen dieses Berichts sind vorläufig.'
    : `Vorläufig: Bei der Veröffentlichung reichten die Exporte der Träger bis ${formatDate(content.data_as_of)}. Für ${dates} zählten Fälle als laufend, deren Ende noch nicht gemeldet war; diese Zahlen sind vorläufig und als „vorläufig“ gekennzeichnet.`;
}

/** For admins, on a current report: withdraw it, or replace it by a new one. */
function correctionPanel(report: PublishedReport, reload: () => void) {
  const reason = element('textarea', {
    id: 'withdraw-reason',
    name: 'reason',
    maxLength: 2000,
    rows: 2,
    required: true,
  });
  const reasonHint = element('p', {
    id: 'withdraw-reason-hint',
    className: 'hint',
    textContent: 'Steht dauerhaft beim Bericht, für alle sichtbar.',
  });
  withAttributes(reason, { 'aria-describedby': reasonHint.id });
  const error = withAttributes(element('p', { className: 'form-error' }), { role: 'alert' });
  const submit = element('button', {
    type: 'submit',
    className: 'button secondary',
    textContent: 'Bericht zurückziehen',
  });
  const form = element(
    'form',
    { className: 'panel correction-form', noValidate: true },
    element('h3', { textContent: 'Bericht korrigieren' }),
    element(
      'p',
      { className: 'hint' },
      'Der Bericht selbst bleibt, wie er ist. Ist er überholt, ',
      element('a', {
        href: `/#berichte?ersetzt=${encodeURIComponent(report.slug)}`,
        textContent: 'durch einen neuen Bericht ersetzen',
      }),
      '; ist er falsch und ohne Nachfolger, zurückziehen.',
    ),
    element(
      'div',
      { className: 'field' },
      element('label', { htmlFor: reason.id, textContent: 'Warum wird er zurückgezogen?' }),
      reason,
      reasonHint,
    ),
    error,
    element('div', { className: 'actions' }, submit),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    error.textContent = '';
    reason.removeAttribute('aria-invalid');
    const why = reason.value.trim();
    if (!why) {
      error.textContent = 'Bitte begründen, warum der Bericht zurückgezogen wird.';
      reason.setAttribute('aria-invalid', 'true');
      reason.focus();
      return;
    }
    if (
      !window.confirm(
        `„${report.title}“ zurückziehen? Er bleibt unter seiner Adresse lesbar, mit dem Hinweis und der Begründung; das lässt sich nicht rückgängig machen.`,
      )
    )
      return;
    submit.disabled = true;
    try {
      await signedIn((csrf) => withdrawReport(report.slug, why, csrf));
      reload();
    } catch (cause) {
      error.textContent = `Der Bericht wurde nicht zurückgezogen: ${(cause as Error).message}`;
      submit.disabled = false;
    }
  });
  return form;
}

function reportBody(
  report: PublishedReport,
  container: HTMLElement,
  reload: () => void,
): HTMLElement[] {
  const { content } = report;
  const links: DataLinks = {
    json: reportUrl(report.slug),
    csv: reportUrl(report.slug, 'csv'),
    arrow: reportUrl(report.slug, 'arrow'),
  };
  const width = Math.max(280, Math.min(520, (container.clientWidth || 560) - 40));
  const address = new URL(reportAddress(report.slug), window.location.href).href;
  const provisional = (date: string) => isProvisional(content.data_as_of, date);
  const earlier = (section: SectionId, id: string): Previous | undefined => {
    const previous = content.previous_year;
    if (!previous) return undefined;
    return {
      date: section === 'caseload' ? previous.stichtag : previous.beendet_bis,
      indicator: previous[section].find((indicator) => indicator.id === id),
    };
  };

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
  const dateOf = (id: SectionId) => (id === 'caseload' ? content.stichtag : content.beendet_bis);
  const tileSections = SECTION_IDS.map((id) =>
    section(
      id,
      SECTIONS[id].title,
      element(
        'div',
        { className: 'tiles' },
        ...sectionTiles(
          id,
          content[id],
          dateOf(id),
          (indicator) => earlier(id, indicator),
          provisional(dateOf(id)),
        ),
      ),
    ),
  );
  const sentences = pressSentences(
    content.stichtag,
    content.caseload,
    content.beendet_bis,
    content.closed,
    content.data_as_of,
  );
  const charts = element(
    'div',
    { className: 'charts' },
    ...reportCharts({
      stichtag: content.stichtag,
      beendetBis: content.beendet_bis,
      caseload: content.caseload,
      closed: content.closed,
      // Titles and headers as published; the colour as declared for the same breakdown.
      breakdowns: content.breakdowns.map((breakdown) => {
        const declared = BREAKDOWN_CHARTS.find(
          (chart) => chart.indicator === breakdown.indicator && chart.by === breakdown.by,
        );
        return {
          chart: {
            title: breakdown.title,
            header: breakdown.by_label,
            color: declared?.color,
          },
          date: breakdown.date,
          bars: barsOf(breakdown),
          links,
        };
      }),
      trend: content.trend && { points: content.trend.points, links },
      dataAsOf: content.data_as_of,
      figureLinks: () => links,
      width,
    }),
  );

  return [
    ...correctionNotice(report),
    ...(report.provisional
      ? [
          element('p', {
            className: 'provisional-note',
            role: 'note',
            textContent: provisionalText(content),
          }),
        ]
      : []),
    meta,
    ...(isAdmin() && report.status === 'current' ? [correctionPanel(report, reload)] : []),
    changesBox(report),
    ...tileSections,
    section(
      'press',
      PART_TITLES.press,
      ...pressKit(
        sentences,
        pressGapText(
          content.data_as_of,
          [content.stichtag, content.beendet_bis],
          sentences.length,
          'published',
          pressFiguresPerturbed([...content.caseload, ...content.closed]),
        ),
      ),
    ),
    section('charts', PART_TITLES.charts, charts),
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
    textContent: `Verglichen mit dem Datenstand vom ${formatDateTime(report.checked_at)}, mit denselben Stichtagen und Sperrregeln. Die Zahlen unten bleiben die veröffentlichten.`,
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
