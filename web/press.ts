// Ready German sentences for a press release, in the style of the district's 2021 release,
// generated from the figures as the server disclosed them. Each sentence carries its "Stand".
// A sentence whose figure is withheld is left out, never filled with a guess, and so is one
// whose figure is perturbed for the public (docs/disclosure.md): a press sentence states exact
// figures, which the public gets for the district's headline figures on the first of a month.
import { PRESS_INDICATORS } from '../contract/interim-report.ts';
import type { Indicator } from './api.ts';
import { formatCount, formatDate } from './format.ts';

export interface PressSentence {
  /** What the sentence is about, for the copy button's accessible name. */
  topic: string;
  text: string;
}

const WORDS = [
  'null',
  'ein',
  'zwei',
  'drei',
  'vier',
  'fünf',
  'sechs',
  'sieben',
  'acht',
  'neun',
  'zehn',
  'elf',
  'zwölf',
];

/**
 * A share as whole "Prozent" in running text, rounded half up like every percentage on
 * the site; numbers up to twelve are written as words (as German newspapers do), with a
 * capital letter at the start of a sentence.
 */
export function percentWords(share: number, { sentenceStart = false } = {}): string {
  const percent = Math.floor(share * 100 + 0.5 + 1e-9);
  const word = WORDS[percent];
  if (!word) return `${formatCount(percent)} Prozent`;
  return `${sentenceStart ? word[0]?.toUpperCase() + word.slice(1) : word} Prozent`;
}

/** "Zum Jahresbeginn 2021" on 1 January, "Zum Jahresende 2020" on 31 December, else "Am 15.06.2021". */
export function whenPhrase(date: string): string {
  const [year, month, day] = date.split('-');
  if (month === '01' && day === '01') return `Zum Jahresbeginn ${year}`;
  if (month === '12' && day === '31') return `Zum Jahresende ${year}`;
  return `Am ${formatDate(date)}`;
}

/** The figures the sentences are made of (contract/interim-report.ts). */
const PRESS_FIGURES = new Set([...PRESS_INDICATORS.caseload, ...PRESS_INDICATORS.closed]);

/** Whether a figure the sentences need is perturbed, so that no sentence can state it. */
export const pressFiguresPerturbed = (indicators: readonly Indicator[]) =>
  indicators.some(
    (indicator) => PRESS_FIGURES.has(indicator.id) && indicator.protection === 'perturbed',
  );

const shown = (indicator: Indicator | undefined): indicator is Indicator & { value: number } =>
  indicator !== undefined &&
  !indicator.suppressed &&
  indicator.value !== null &&
  indicator.protection !== 'perturbed';

/**
 * The sentences for people in counselling on `stichtag` and cases closed by `closedBy`.
 * `caseload` and `closed` are the indicators on those two dates. A date after `dataAsOf`
 * (how far the providers' exports reach) gives no sentence: its figures are provisional.
 */
export function pressSentences(
  stichtag: string,
  caseloadOn: readonly Indicator[],
  closedBy: string,
  closedOn: readonly Indicator[],
  dataAsOf: string | null = null,
): PressSentence[] {
  const reported = (date: string) => dataAsOf !== null && date <= dataAsOf;
  const caseload = reported(stichtag) ? caseloadOn : [];
  const closed = reported(closedBy) ? closedOn : [];
  const on = (list: readonly Indicator[], id: string) => list.find((i) => i.id === id);
  const stand = `(Stand ${formatDate(stichtag)})`;
  const sentences: PressSentence[] = [];

  const active = on(caseload, 'clients_active');
  const minors = on(caseload, 'clients_minor');
  if (shown(active)) {
    const ofWhich = shown(minors) ? `, davon ${formatCount(minors.value)} Minderjährige` : '';
    sentences.push({
      topic: 'Betreute Personen',
      text: `${whenPhrase(stichtag)} werden ${formatCount(active.value)} Geflüchtete im Integrationsmanagement betreut${ofWhich} ${stand}.`,
    });
  }

  const language = on(caseload, 'language_b1_plus_share');
  if (shown(language)) {
    sentences.push({
      topic: 'Sprachniveau',
      text: `Von den erwachsenen Klientinnen und Klienten verfügen ${percentWords(language.value)} über ein deutsches Sprachniveau B1 oder höher ${stand}.`,
    });
  }

  const employed = on(caseload, 'employment_sv_share');
  const training = on(caseload, 'training_share');
  if (shown(employed)) {
    const base = `${percentWords(employed.value, { sentenceStart: true })} der erwachsenen Klientinnen und Klienten befinden sich in einem sozialversicherungspflichtigen Beschäftigungsverhältnis`;
    sentences.push({
      topic: 'Beschäftigung',
      text: shown(training)
        ? `${base}. Zusätzlich gehen ${percentWords(training.value)} einer Ausbildung, einem Praktikum oder einem Studium nach ${stand}.`
        : `${base} ${stand}.`,
    });
  } else if (shown(training)) {
    sentences.push({
      topic: 'Ausbildung',
      text: `${percentWords(training.value, { sentenceStart: true })} der erwachsenen Klientinnen und Klienten gehen einer Ausbildung, einem Praktikum oder einem Studium nach ${stand}.`,
    });
  }

  const closedCount = on(closed, 'cases_closed');
  const withLease = on(closed, 'cases_closed_with_lease');
  if (shown(closedCount)) {
    const lease = shown(withLease)
      ? ` Davon haben ${formatCount(withLease.value)} Personen einen eigenen Mietvertrag abgeschlossen.`
      : '';
    sentences.push({
      topic: 'Beendete Fälle',
      text: `Bei ${formatCount(closedCount.value)} Personen wurde das Integrationsmanagement bereits beendet (Stand ${formatDate(closedBy)}).${lease}`,
    });
  }
  return sentences;
}
