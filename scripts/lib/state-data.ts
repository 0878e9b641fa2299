// A state-wide synthetic data set for the figures benchmark: districts of Baden-Württemberg
// with their providers and municipalities, and cases with status histories rendered as the
// providers' yearly snapshot exports. Pure and seeded: the same parameters give the same
// registry and the same bytes. Its figures mean nothing; its shape (households, closing
// cases, statuses that change between snapshots) makes the import and the figures do the
// work real data makes them do.
import { readFileSync } from 'node:fs';
import { COLUMNS } from '../../server/import/format.ts';
import { pseudonyms, rng } from './random.ts';

export interface StateParameters {
  seed: number;
  districts: number;
  cases: number;
}

export const STATE_DEFAULTS: Readonly<StateParameters> = Object.freeze({
  seed: 2021,
  districts: 50,
  cases: 1_000_000,
});

/** Every provider sends a full snapshot at the end of each of these years, oldest first. */
export const SNAPSHOT_DATES = ['2021-12-31', '2022-12-31', '2023-12-31'] as const;

/** Ludwigsburg comes first: it is the district the app serves by default. */
const REAL_DISTRICTS: readonly (readonly [string, string])[] = [
  ['08118', 'Landkreis Ludwigsburg'],
  ['08111', 'Stadtkreis Stuttgart'],
  ['08115', 'Landkreis Böblingen'],
  ['08116', 'Landkreis Esslingen'],
  ['08117', 'Landkreis Göppingen'],
  ['08119', 'Rems-Murr-Kreis'],
  ['08121', 'Stadtkreis Heilbronn'],
  ['08125', 'Landkreis Heilbronn'],
  ['08126', 'Hohenlohekreis'],
  ['08127', 'Landkreis Schwäbisch Hall'],
  ['08128', 'Main-Tauber-Kreis'],
  ['08135', 'Landkreis Heidenheim'],
  ['08136', 'Ostalbkreis'],
  ['08211', 'Stadtkreis Baden-Baden'],
  ['08212', 'Stadtkreis Karlsruhe'],
  ['08215', 'Landkreis Karlsruhe'],
  ['08216', 'Landkreis Rastatt'],
  ['08221', 'Stadtkreis Heidelberg'],
  ['08222', 'Stadtkreis Mannheim'],
  ['08225', 'Neckar-Odenwald-Kreis'],
  ['08226', 'Rhein-Neckar-Kreis'],
  ['08231', 'Stadtkreis Pforzheim'],
  ['08235', 'Landkreis Calw'],
  ['08236', 'Enzkreis'],
  ['08237', 'Landkreis Freudenstadt'],
  ['08311', 'Stadtkreis Freiburg im Breisgau'],
  ['08315', 'Landkreis Breisgau-Hochschwarzwald'],
  ['08316', 'Landkreis Emmendingen'],
  ['08317', 'Ortenaukreis'],
  ['08325', 'Landkreis Rottweil'],
  ['08326', 'Schwarzwald-Baar-Kreis'],
  ['08327', 'Landkreis Tuttlingen'],
  ['08335', 'Landkreis Konstanz'],
  ['08336', 'Landkreis Lörrach'],
  ['08337', 'Landkreis Waldshut'],
  ['08415', 'Landkreis Reutlingen'],
  ['08416', 'Landkreis Tübingen'],
  ['08417', 'Zollernalbkreis'],
  ['08421', 'Stadtkreis Ulm'],
  ['08425', 'Alb-Donau-Kreis'],
  ['08426', 'Landkreis Biberach'],
  ['08435', 'Bodenseekreis'],
  ['08436', 'Landkreis Ravensburg'],
  ['08437', 'Landkreis Sigmaringen'],
];
/** Beyond the real districts, synthetic keys 08901, 08902, … (no real district uses 089). */
const SYNTHETIC_DISTRICTS = 99;
export const MAX_DISTRICTS = REAL_DISTRICTS.length + SYNTHETIC_DISTRICTS;

/** The providers a district may have besides its own office (LRA), with their labels. */
const PROVIDER_POOL: readonly (readonly [string, string])[] = [
  ['AWO', 'Arbeiterwohlfahrt'],
  ['CARITAS', 'Caritas'],
  ['KDV', 'Kreisdiakonieverband'],
  ['DRK', 'DRK-Kreisverband'],
  ['IB', 'Internationaler Bund'],
  ['DW', 'Diakonisches Werk'],
];
/** Ludwigsburg's providers as migration 002 registers them. */
const LUDWIGSBURG_PROVIDERS = ['AWO', 'CARITAS', 'KDV', 'DRK', 'LRA'];

export interface ProviderEntry {
  code: string;
  name: string;
  labels: string[];
}

export interface MunicipalityEntry {
  ags: string;
  name: string;
}

export interface DistrictPlan {
  key: string;
  name: string;
  providers: ProviderEntry[];
  municipalities: MunicipalityEntry[];
  /** How many cases the district gets. */
  cases: number;
  /** Seed of the district's own cases, so that a district can be generated alone. */
  seed: number;
}

/** Ludwigsburg's municipalities as migration 002 registers them (fixtures/reference). */
export function ludwigsburgMunicipalities(): MunicipalityEntry[] {
  return readFileSync(
    new URL('../../fixtures/reference/municipalities-ludwigsburg.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [ags, name] = line.split(';');
      return { ags: ags as string, name: name as string };
    });
}

const providerEntry = (code: string, name: string): ProviderEntry => ({
  code,
  name,
  labels: [name],
});

/**
 * The districts with their registry and their share of the cases (proportional to a random
 * weight, rounded so that they add up to exactly `cases`).
 */
export function planState(
  params: StateParameters,
  ludwigsburg: readonly MunicipalityEntry[] = ludwigsburgMunicipalities(),
): DistrictPlan[] {
  if (
    !Number.isInteger(params.districts) ||
    params.districts < 1 ||
    params.districts > MAX_DISTRICTS
  )
    throw new RangeError(`districts must be a whole number from 1 to ${MAX_DISTRICTS}`);
  if (!Number.isInteger(params.cases) || params.cases < params.districts)
    throw new RangeError('cases must be a whole number of at least one per district');
  const r = rng(params.seed);
  const keys = [
    ...REAL_DISTRICTS,
    ...Array.from({ length: SYNTHETIC_DISTRICTS }, (_, i) => {
      const key = `089${String(i + 1).padStart(2, '0')}`;
      return [key, `Synthetischer Kreis ${key}`] as const;
    }),
  ].slice(0, params.districts);
  const drafts = keys.map(([key, name]) => {
    const weight = 0.3 + r.next() ** 2 * 2.5;
    if (key === '08118') {
      return {
        key,
        name,
        weight,
        providers: LUDWIGSBURG_PROVIDERS.map((code) =>
          providerEntry(
            code,
            code === 'LRA'
              ? 'Landratsamt'
              : (PROVIDER_POOL.find(([c]) => c === code) as readonly [string, string])[1],
          ),
        ),
        municipalities: [...ludwigsburg],
      };
    }
    const others = r.shuffle([...PROVIDER_POOL]).slice(0, r.int(2, 5));
    const municipalities = Array.from({ length: r.int(10, 60) }, (_, i) => {
      const number = String(i + 1).padStart(3, '0');
      return { ags: `${key}${number}`, name: `Gemeinde ${key}-${number}` };
    });
    return {
      key,
      name,
      weight,
      providers: [
        providerEntry('LRA', name.startsWith('Stadtkreis') ? 'Stadtverwaltung' : 'Landratsamt'),
        ...others
          .sort((a, b) => (a[0] < b[0] ? -1 : 1))
          .map(([code, label]) => providerEntry(code, label)),
      ],
      municipalities,
    };
  });
  // Largest remainder: the shares add up to exactly the requested number of cases.
  const total = drafts.reduce((sum, d) => sum + d.weight, 0);
  const exact = drafts.map((d) => (d.weight / total) * params.cases);
  const counts = exact.map((x) => Math.max(1, Math.floor(x)));
  let left = params.cases - counts.reduce((sum, n) => sum + n, 0);
  const byRemainder = exact
    .map((x, i) => ({ i, rest: x - Math.floor(x) }))
    .sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) {
    const i = (byRemainder[k] as { i: number }).i;
    counts[i] = (counts[i] as number) + 1;
  }
  for (let i = counts.length - 1; left < 0; i = (i - 1 + counts.length) % counts.length) {
    if ((counts[i] as number) > 1) {
      counts[i] = (counts[i] as number) - 1;
      left++;
    }
  }
  return drafts.map((d, i) => ({
    key: d.key,
    name: d.name,
    providers: d.providers,
    municipalities: d.municipalities,
    cases: counts[i] as number,
    seed: (Math.imul(params.seed, 0x9e3779b1) ^ Number(d.key)) >>> 0,
  }));
}

/** A status from a date on. */
export interface StatusEvent {
  since: number;
  value: string;
}

/** One person in counselling, as known at the latest snapshot; dates are day numbers. */
export interface StateCase {
  caseId: string;
  provider: string;
  municipality: string;
  manager: string;
  household: string | null;
  sex: string;
  /** `YYYY-MM`. */
  birthMonth: string;
  country: string | null;
  startedOn: number;
  endedOn: number | null;
  endReason: string | null;
  planCreatedOn: number | null;
  leaseSignedOn: number | null;
  /** Housing while there is no lease yet (or null when not known). */
  housing: 'follow_up' | 'other' | null;
  language: StatusEvent[];
  employment: StatusEvent[];
}

const DAY = 86_400_000;
const dayOf = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY;
const isoCache = new Map<number, string>();
/** ISO date of a day number; there are only a few thousand distinct days, so they are kept. */
export function isoOfDay(day: number): string {
  let iso = isoCache.get(day);
  if (iso === undefined) {
    iso = new Date(day * DAY).toISOString().slice(0, 10);
    isoCache.set(day, iso);
  }
  return iso;
}
const SNAPSHOT_DAYS = SNAPSHOT_DATES.map(dayOf);
const LAST_SNAPSHOT = SNAPSHOT_DAYS.at(-1) as number;

const COUNTRIES: readonly (readonly [string, number])[] = [
  ['SYR', 30],
  ['AFG', 18],
  ['UKR', 14],
  ['IRQ', 10],
  ['TUR', 6],
  ['NGA', 5],
  ['ERI', 4],
  ['GMB', 3],
  ['IRN', 3],
  ['SOM', 2],
  ['GEO', 2],
  ['PAK', 1],
  ['CMR', 1],
];
const START_YEARS: readonly (readonly [number, number])[] = [
  [2018, 15],
  [2019, 14],
  [2020, 13],
  [2021, 17],
  [2022, 23],
  [2023, 18],
];
const END_REASONS: readonly (readonly [string, number])[] = [
  ['independent', 38],
  ['max_duration', 12],
  ['moved_away', 18],
  ['handed_over', 12],
  ['contact_lost', 10],
  ['departed', 4],
  ['other', 5],
  ['deceased', 1],
];
const HOUSEHOLD_SIZES: readonly (readonly [number, number])[] = [
  [1, 45],
  [2, 18],
  [3, 13],
  [4, 11],
  [5, 8],
  [6, 5],
];
const LEVELS = ['none', 'alpha', 'A1', 'A2', 'B1', 'B2', 'C1', 'C2'];
/** What adults do, from their first status in counselling to their third and later. */
const EMPLOYMENT_STAGES: readonly (readonly (readonly [string, number])[])[] = [
  [
    ['none', 35],
    ['language_course', 40],
    ['marginal', 10],
    ['internship', 5],
    ['vocational_training', 5],
    ['sv_employment', 5],
  ],
  [
    ['none', 20],
    ['language_course', 25],
    ['marginal', 15],
    ['internship', 5],
    ['vocational_training', 12],
    ['sv_employment', 20],
    ['studies', 2],
    ['self_employed', 1],
  ],
  [
    ['none', 15],
    ['language_course', 12],
    ['marginal', 15],
    ['internship', 4],
    ['vocational_training', 15],
    ['sv_employment', 35],
    ['studies', 3],
    ['self_employed', 1],
  ],
];

/** Months from year 0, and back. */
const monthIndex = (day: number) => {
  const iso = isoOfDay(day);
  return Number(iso.slice(0, 4)) * 12 + Number(iso.slice(5, 7)) - 1;
};
const monthText = (index: number) =>
  `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * The district's cases. Households share provider, municipality, manager, dates and lease.
 * Each case gets one language and one employment status in every snapshot year it is in
 * counselling, so a case open across all three snapshots has three records of each.
 */
export function generateDistrictCases(plan: DistrictPlan): StateCase[] {
  const r = rng(plan.seed);
  // Each municipality is served by one provider; every provider serves at least one.
  const municipalities = r.shuffle(plan.municipalities.map((m) => m.ags));
  const providerOf = new Map(
    municipalities.map((ags, i) => [
      ags,
      (plan.providers[i % plan.providers.length] as ProviderEntry).code,
    ]),
  );
  const municipalityWeights = municipalities.map((ags) => [ags, 0.2 + r.next() ** 3 * 20] as const);
  const providerCases = new Map<string, number>();
  for (const [ags, weight] of municipalityWeights) {
    const code = providerOf.get(ags) as string;
    providerCases.set(code, (providerCases.get(code) ?? 0) + weight);
  }
  const totalWeight = municipalityWeights.reduce((sum, [, w]) => sum + w, 0);
  // About 150 cases per manager over the years.
  const managers = new Map(
    plan.providers.map((p) => {
      const expected = ((providerCases.get(p.code) ?? 0) / totalWeight) * plan.cases;
      const count = Math.max(2, Math.ceil(expected / 150));
      return [
        p.code,
        Array.from({ length: count }, (_, i) => `IM-${p.code}-${String(i + 1).padStart(3, '0')}`),
      ];
    }),
  );

  const pseudonym = pseudonyms(r, 7);

  const dayBetween = (from: number, to: number) => from + Math.floor(r.next() * (to - from + 1));

  const cases: StateCase[] = [];
  while (cases.length < plan.cases) {
    const size = Math.min(r.weighted(HOUSEHOLD_SIZES), plan.cases - cases.length);
    const municipality = r.weighted(municipalityWeights);
    const provider = providerOf.get(municipality) as string;
    const manager = r.pick(managers.get(provider) as string[]);
    const household = size > 1 ? pseudonym('HH-') : null;
    const country = r.next() < 0.01 ? null : r.weighted(COUNTRIES);
    const year = r.weighted(START_YEARS);
    const startedOn = dayBetween(dayOf(`${year}-01-02`), dayOf(`${year}-12-15`));
    const reason = r.weighted(END_REASONS);
    // Three years at most, a few weeks more where the maximum was reached.
    const duration =
      reason === 'max_duration'
        ? 1095 + r.int(0, 30)
        : Math.min(1094, 90 + Math.floor(-Math.log(1 - r.next()) * 640));
    const end = startedOn + duration;
    const endedOn = end <= LAST_SNAPSHOT ? end : null;
    const lastDay = endedOn ?? LAST_SNAPSHOT;
    const leaseSignedOn =
      lastDay - startedOn > 90 && r.next() < (reason === 'independent' ? 0.75 : 0.35)
        ? dayBetween(startedOn + 60, lastDay)
        : null;
    const housingRoll = r.next();
    const housing = housingRoll < 0.05 ? null : housingRoll < 0.12 ? 'other' : 'follow_up';
    const adults = size === 1 || r.next() < 0.6 ? Math.min(size, 2) : 1;
    const tracked = r.next() < 0.88;
    for (let member = 0; member < size; member++) {
      const adult = member < adults;
      const age = adult
        ? r.weighted<[number, number]>([
            [[18, 26], 30],
            [[27, 44], 48],
            [[45, 64], 19],
            [[65, 72], 3],
          ])
        : r.weighted<[number, number]>([
            [[0, 5], 40],
            [[6, 17], 60],
          ]);
      const birth = monthIndex(startedOn) - r.int(age[0], age[1]) * 12 - r.int(0, 11);
      const sexRoll = r.next();
      const sex = sexRoll < 0.004 ? 'x' : sexRoll < 0.006 ? 'd' : sexRoll < 0.6 ? 'm' : 'f';
      const planCreatedOn = r.next() < 0.86 ? startedOn + r.int(14, 120) : null;
      const ageOn = (day: number) => Math.floor((monthIndex(day) - birth) / 12);
      // One event per snapshot year the case is open in, on a day of that year's span.
      const language: StatusEvent[] = [];
      const employment: StatusEvent[] = [];
      let level = -1;
      let from = startedOn;
      for (const snapshot of SNAPSHOT_DAYS) {
        const to = Math.min(snapshot, lastDay);
        if (from <= to) {
          const since = dayBetween(from, to);
          const age = ageOn(since);
          if (tracked && age >= 6) {
            level =
              level < 0
                ? r.weighted([
                    [0, 10],
                    [1, 15],
                    [2, 35],
                    [3, 30],
                    [4, 10],
                  ])
                : Math.min(LEVELS.length - 1, level + r.int(0, 2));
            language.push({ since, value: LEVELS[level] as string });
          }
          if (tracked && age >= 6) {
            const value =
              age < 16
                ? 'school'
                : age < 18
                  ? r.next() < 0.6
                    ? 'school'
                    : 'vocational_training'
                  : r.weighted(
                      EMPLOYMENT_STAGES[
                        Math.min(employment.length, EMPLOYMENT_STAGES.length - 1)
                      ] as readonly (readonly [string, number])[],
                    );
            employment.push({ since, value });
          }
        }
        from = Math.max(from, snapshot + 1);
      }
      cases.push({
        caseId: pseudonym(`${provider.slice(0, 3)}-`),
        provider,
        municipality,
        manager,
        household,
        sex,
        birthMonth: monthText(birth),
        country,
        startedOn,
        endedOn,
        endReason: endedOn === null ? null : reason,
        planCreatedOn: planCreatedOn !== null && planCreatedOn <= lastDay ? planCreatedOn : null,
        leaseSignedOn,
        housing,
        language,
        employment,
      });
    }
  }
  return cases;
}

const CANONICAL_HEADER = COLUMNS.map((column) => column.name);
const GERMAN_HEADER = [
  'Fall_ID',
  'Traeger',
  'Gemeinde',
  'IM_Kennung',
  'Haushalt_ID',
  'Geschlecht',
  'Geburtsmonat',
  'Herkunftsland',
  'Beginn',
  'Ende',
  'Beendigungsgrund',
  'Integrationsplan_seit',
  'Sprachniveau',
  'Sprachniveau_seit',
  'Beschaeftigung',
  'Beschaeftigung_seit',
  'Wohnsituation',
  'Mietvertrag_seit',
];

/** The status in force on `day`: the latest event on or before it. */
function statusOn(events: readonly StatusEvent[], day: number): StatusEvent | undefined {
  let found: StatusEvent | undefined;
  for (const event of events) if (event.since <= day) found = event;
  return found;
}

/**
 * One provider's full snapshot as of `asOf` (one of SNAPSHOT_DATES): every case begun by
 * then, open or closed, with what was known on that day. Semicolon CSV, UTF-8, CRLF;
 * every second provider of a district writes German headers and German dates. Null when
 * the provider had no case yet (an export without cases is refused).
 */
export function renderSnapshot(
  plan: DistrictPlan,
  cases: readonly StateCase[],
  provider: string,
  asOf: string,
): string | null {
  const day = dayOf(asOf);
  const german = plan.providers.findIndex((p) => p.code === provider) % 2 === 1;
  const date = german
    ? (d: number | null | undefined) => {
        if (d === null || d === undefined) return '';
        const iso = isoOfDay(d);
        return `${iso.slice(8, 10)}.${iso.slice(5, 7)}.${iso.slice(0, 4)}`;
      }
    : (d: number | null | undefined) => (d === null || d === undefined ? '' : isoOfDay(d));
  const lines = [(german ? GERMAN_HEADER : CANONICAL_HEADER).join(';')];
  for (const c of cases) {
    if (c.provider !== provider || c.startedOn > day) continue;
    const ended = c.endedOn !== null && c.endedOn <= day;
    const lease = c.leaseSignedOn !== null && c.leaseSignedOn <= day ? c.leaseSignedOn : null;
    const language = statusOn(c.language, day);
    const employment = statusOn(c.employment, day);
    const housing = lease !== null ? 'private_lease' : (c.housing ?? '');
    lines.push(
      [
        c.caseId,
        provider,
        c.municipality,
        c.manager,
        c.household ?? '',
        c.sex,
        c.birthMonth,
        c.country ?? '',
        date(c.startedOn),
        ended ? date(c.endedOn) : '',
        ended ? (c.endReason as string) : '',
        c.planCreatedOn !== null && c.planCreatedOn <= day ? date(c.planCreatedOn) : '',
        language?.value ?? '',
        date(language?.since),
        employment?.value ?? '',
        date(employment?.since),
        housing,
        date(lease),
      ].join(';'),
    );
  }
  return lines.length === 1 ? null : `${lines.join('\r\n')}\r\n`;
}
