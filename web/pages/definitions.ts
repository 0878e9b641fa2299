// The definitions page (#definitionen), for everyone: what each indicator counts, the
// characteristics figures are broken down by, and which values are withheld and why.
import {
  type DefinitionsResponse,
  type DimensionDefinition,
  definitionsOnce,
  definitionsUrl,
  type FundingFigureDefinition,
  fetchIndicators,
  type IndicatorDefinition,
  type Rules,
} from '../api.ts';
import { element, withAttributes } from '../dom.ts';
import { formatCount, SUPPRESSED } from '../format.ts';
import { DEFAULTS } from './report-state.ts';

/** The server's defaults, for readers who see figures as computed and get no rules. */
const DEFAULT_RULES: Rules = {
  k: 5,
  minDenominator: 20,
  protectionWidth: 2,
  cellKey: { maxDeviation: 3, variance: 1 },
};

/** The element id of an indicator's entry; `#definitionen/{id}` scrolls to it. */
export const definitionElementId = (id: string) => `def-${id}`;

export const definitionHash = (id: string) => `#definitionen/${id}`;

/** How a share or ratio is formed, in words; null for a count. */
export function composition(indicator: IndicatorDefinition): string | null {
  const { numerator, denominator } = indicator;
  if (!numerator || !denominator) return null;
  if (indicator.kind === 'share') return `Anteil: ${numerator.label} an ${denominator.label}`;
  if (indicator.kind === 'ratio') return `${numerator.label} je ${denominator.label}`;
  return null;
}

const PERIOD_NOTE =
  'Die Zahl bezieht sich auf einen Zeitraum, ohne Angabe vom 1. Januar bis zum Stichtag.';

function indicatorEntry(indicator: IndicatorDefinition) {
  const formed = composition(indicator);
  const heading = element('h4', {
    id: `${definitionElementId(indicator.id)}-title`,
    textContent: indicator.label,
    tabIndex: -1,
  });
  return withAttributes(
    element(
      'article',
      { className: 'definition', id: definitionElementId(indicator.id) },
      heading,
      element('p', { textContent: indicator.definition }),
      element('p', {
        className: 'population',
        textContent: `Gezählt werden: ${indicator.population}`,
      }),
      ...(formed ? [element('p', { className: 'composition', textContent: formed })] : []),
      ...(indicator.period
        ? [element('p', { className: 'period', textContent: PERIOD_NOTE })]
        : []),
      element(
        'p',
        { className: 'api-id' },
        'Kennung in der API: ',
        element('code', { textContent: indicator.id }),
      ),
    ),
    { 'aria-labelledby': heading.id },
  );
}

/** A column of the funding-period figures (page Förderzeitraum), by year and provider. */
function fundingEntry(figure: FundingFigureDefinition) {
  const formed = composition({ ...figure, population: '', period: false });
  const heading = element('h4', {
    id: `${definitionElementId(`funding-${figure.id}`)}-title`,
    textContent: figure.label,
    tabIndex: -1,
  });
  return withAttributes(
    element(
      'article',
      { className: 'definition', id: definitionElementId(`funding-${figure.id}`) },
      heading,
      element('p', { textContent: figure.definition }),
      ...(formed ? [element('p', { className: 'composition', textContent: formed })] : []),
      element(
        'p',
        { className: 'api-id' },
        'Spalte in der API: ',
        element('code', { textContent: figure.id }),
      ),
    ),
    { 'aria-labelledby': heading.id },
  );
}

// Styled without bullets, which makes Safari drop the list role unless it is set.
const categoryList = (dimension: DimensionDefinition) =>
  withAttributes(
    element(
      'ul',
      { className: 'categories' },
      ...dimension.categories.map((category) => element('li', { textContent: category.label })),
    ),
    { role: 'list' },
  );

function dimensionCategories(dimension: DimensionDefinition) {
  if (dimension.categories.length === 0)
    return element('dd', {
      textContent: 'Ohne feste Liste: die Werte ergeben sich aus den Daten.',
    });
  // 39 municipalities would push the rest of the page far down.
  if (dimension.id === 'municipality')
    return element(
      'dd',
      {},
      element(
        'details',
        {},
        element('summary', {
          textContent: `${formatCount(dimension.categories.length)} Gemeinden`,
        }),
        categoryList(dimension),
      ),
    );
  return element('dd', {}, categoryList(dimension));
}

function disclosure(rules: Rules) {
  const deviation = rules.cellKey?.maxDeviation ?? DEFAULT_RULES.cellKey?.maxDeviation;
  const items = [
    `Alle Fallzahlen, die Sie hier sehen, sind leicht verändert: Jede weicht zufällig um höchstens ${deviation} von der tatsächlichen Zahl ab (Cell-Key-Verfahren, wie es die Statistischen Ämter für die Zensusdatenbank nutzen). Dieselben Personen ergeben dabei immer dieselbe Zahl, in jeder Tabelle und bei jeder Abfrage; wer dieselbe Zahl öfter abruft, erfährt nichts Neues.`,
    `Keine veröffentlichte Fallzahl liegt zwischen 1 und ${rules.k - 1}: Kleine Gruppen erscheinen als 0 oder als ${rules.k} und mehr. Eine Summe kann deshalb etwas von der Summe ihrer Teile abweichen. Ließe sich in einer Tabelle durch Zusammenzählen einer Zeile oder Spalte doch eine kleine Zahl genau errechnen, wird dort zusätzlich ein Wert gesperrt.`,
    'Ausgenommen sind die Eckwerte des ganzen Kreises zum Ersten eines Monats (betreute Personen, Minderjährige, Erwachsene, ihre Anteile mit Sprachniveau B1, in Beschäftigung und in Ausbildung, beendete Fälle und solche mit eigenem Mietvertrag): Sie sind exakt. Vorher wird mit allen Eckwerten aller Monate zusammen geprüft, dass sich aus ihnen keine kleine Zahl errechnen lässt; wo doch, wird ein Eckwert gesperrt. Wie sich ein Bestand von einem Monat zum nächsten verändert (etwa drei Erwachsene mehr in Ausbildung), bleibt sichtbar: Das ist ein Saldo aus Zu- und Abgängen, keine Zahl bestimmter Personen.',
    `Zahlen zu beendeten Fällen (beendete Fälle, davon mit eigenem Mietvertrag, ihr Anteil, beendete Fälle im Zeitraum) gibt es für einen Kreis erst ab dem Tag seines ${formatCount(rules.minDenominator)}. beendeten Falls. Davor sind es so wenige Personen, dass sich aus den leicht veränderten Zahlen verschiedener Tage zusammen Einzelne erkennen ließen; alle diese Werte sind dann gesperrt, auch Nullen.`,
    `„${SUPPRESSED}“ steht für einen gesperrten Wert: ein Anteil auf weniger als ${formatCount(rules.minDenominator)} Personen, ein Wert zu beendeten Fällen vor dem ${formatCount(rules.minDenominator)}. beendeten Fall des Kreises, ein Eckwert, den diese Prüfung zurückhält, oder ein Wert einer Tabelle, aus dem sich sonst eine kleine Zahl errechnen ließe. Sonst wird 0 gezeigt.`,
    'Das Landratsamt sieht alle Zahlen exakt, ein Träger die seiner eigenen Fälle. Nach einzelnen Integrationsmanagerinnen und -managern oder Haushalten wird nichts aufgeschlüsselt.',
  ];
  return withAttributes(
    element(
      'section',
      { className: 'disclosure' },
      element('h3', {
        id: 'definitions-disclosure',
        textContent: 'Schutz kleiner Fallzahlen',
      }),
      element('p', {
        textContent:
          'Damit sich aus den Zahlen keine einzelnen Personen erkennen lassen, auch nicht durch Zusammenzählen und Abziehen mehrerer Abfragen:',
      }),
      element('ul', {}, ...items.map((text) => element('li', { textContent: text }))),
    ),
    { 'aria-labelledby': 'definitions-disclosure' },
  );
}

function render(container: HTMLElement, definitions: DefinitionsResponse, rules: Rules) {
  container.replaceChildren(
    element('h2', { textContent: 'Definitionen der Kennzahlen', tabIndex: -1 }),
    element(
      'p',
      { className: 'lead' },
      'Was jede Kennzahl zählt und wie sie berechnet wird. Dieselben Angaben als ',
      element('a', { href: definitionsUrl, textContent: 'JSON' }),
      '.',
    ),
    withAttributes(
      element(
        'section',
        {},
        element('h3', { id: 'definitions-indicators', textContent: 'Kennzahlen' }),
        element('div', { className: 'definitions' }, ...definitions.indicators.map(indicatorEntry)),
      ),
      { 'aria-labelledby': 'definitions-indicators' },
    ),
    ...(definitions.funding?.length
      ? [
          withAttributes(
            element(
              'section',
              {},
              element('h3', {
                id: 'definitions-funding',
                textContent: 'Zahlen für den Förderzeitraum',
              }),
              element(
                'p',
                { className: 'lead' },
                'Je Jahr und Träger, auf der Seite ',
                element('a', { href: '#foerderung', textContent: 'Förderzeitraum' }),
                ' und unter ',
                element('code', { textContent: '/api/v1/funding' }),
                '.',
              ),
              element(
                'div',
                { className: 'definitions' },
                ...definitions.funding.map(fundingEntry),
              ),
            ),
            { 'aria-labelledby': 'definitions-funding' },
          ),
        ]
      : []),
    withAttributes(
      element(
        'section',
        {},
        element('h3', {
          id: 'definitions-dimensions',
          textContent: 'Merkmale für Aufgliederungen',
        }),
        element(
          'p',
          { className: 'lead' },
          'Nach diesen Merkmalen lassen sich die Kennzahlen in der API aufgliedern (Parameter ',
          element('code', { textContent: 'by' }),
          ').',
        ),
        element(
          'dl',
          { className: 'dimensions' },
          ...definitions.dimensions.flatMap((dimension) => [
            element(
              'dt',
              {},
              dimension.label,
              ' ',
              element('code', { className: 'api-id', textContent: dimension.id }),
            ),
            dimensionCategories(dimension),
          ]),
        ),
      ),
      { 'aria-labelledby': 'definitions-dimensions' },
    ),
    disclosure(rules),
  );
}

let loaded: Promise<[DefinitionsResponse, Rules]> | undefined;

/** Scrolls to the entry `target` names (from #definitionen/{id}) and reads it out. */
function showTarget(container: HTMLElement, target: string) {
  if (!target) return false;
  const entry = container.querySelector<HTMLElement>(`#${CSS.escape(definitionElementId(target))}`);
  if (!entry) return false;
  for (const other of container.querySelectorAll('.is-target')) other.classList.remove('is-target');
  entry.classList.add('is-target');
  entry.scrollIntoView();
  entry.querySelector<HTMLElement>('h4')?.focus({ preventScroll: true });
  return true;
}

/**
 * Shows the definitions; they change only with a new import, so they are asked for once
 * per page load. `focus` moves focus to the page heading, or to the entry `target` names.
 */
export async function showDefinitions(container: HTMLElement, target: string, focus: boolean) {
  if (!container.hasChildNodes()) {
    container.replaceChildren(
      element('h2', { textContent: 'Definitionen der Kennzahlen', tabIndex: -1 }),
      withAttributes(
        element('p', { className: 'status', textContent: 'Definitionen werden geladen …' }),
        {
          role: 'status',
        },
      ),
    );
  }
  loaded ??= Promise.all([
    definitionsOnce(),
    // Rules come with the figures; someone who sees them unsuppressed gets none.
    fetchIndicators(DEFAULTS.stichtag)
      .then((response) => response.rules ?? DEFAULT_RULES)
      .catch(() => DEFAULT_RULES),
  ]);
  try {
    const [definitions, rules] = await loaded;
    if (!container.querySelector('.definitions')) render(container, definitions, rules);
  } catch (error) {
    // Asked again the next time the page is shown.
    loaded = undefined;
    container.replaceChildren(
      element('h2', { textContent: 'Definitionen der Kennzahlen', tabIndex: -1 }),
      withAttributes(
        element('p', {
          className: 'status error',
          textContent: `Die Definitionen konnten nicht geladen werden: ${(error as Error).message}`,
        }),
        { role: 'status' },
      ),
    );
  }
  if (!showTarget(container, target) && focus) container.querySelector('h2')?.focus();
}
