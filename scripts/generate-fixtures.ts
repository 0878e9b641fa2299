// Generates the demonstration exports of Landkreis Ludwigsburg from a fixed seed: one CSV
// per provider, as of 01.03.2021, in the formats providers really send (canonical or
// German headers, codes or labels, `;` or `,`, UTF-8 or Windows-1252). The generator aims
// at the figures published in March 2021 (fixtures/reference/figures-2021.json) by constructing
// a population of that shape; the figures themselves are computed by the SQL after an
// ordinary import. Usage: npm run fixtures [-- --out DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type Code,
  EMPLOYMENT,
  END_REASONS,
  HOUSING,
  LANGUAGE_LEVELS,
  SEX,
} from '../contract/vocabulary.ts';
import { pseudonyms, rng } from './lib/random.ts';

export const SEED = 20210301;
export const AS_OF = '2021-03-01';
const S = '2021-01-01';

const spec = JSON.parse(
  readFileSync(new URL('../fixtures/reference/figures-2021.json', import.meta.url), 'utf8'),
) as {
  figures: { indicator: string; value?: number; percent?: number }[];
  managers_active: { value: number };
  municipalities_active: number;
};

const target = (indicator: string) =>
  spec.figures.find((f) => f.indicator === indicator) as { value?: number; percent?: number };
const ACTIVE = target('clients_active').value as number;
const MINORS = target('clients_minor').value as number;
const ADULTS = ACTIVE - MINORS;
const B1_PLUS = Math.round(((target('language_b1_plus_share').percent as number) / 100) * ADULTS);
const SV = Math.round(((target('employment_sv_share').percent as number) / 100) * ADULTS);
const TRAINING = Math.round(((target('training_share').percent as number) / 100) * ADULTS);
const CLOSED = target('cases_closed').value as number;
const CLOSED_WITH_LEASE = target('cases_closed_with_lease').value as number;

const DAY = 86_400_000;
const toDate = (iso: string) => Date.parse(`${iso}T00:00:00Z`);
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const addDays = (date: string, days: number) => iso(toDate(date) + days * DAY);
const minDate = (a: string, b: string) => (a < b ? a : b);
const maxDate = (a: string, b: string) => (a > b ? a : b);

// Rough population of each municipality, used only to spread the demonstration cases.
const POPULATION: Record<string, number> = {
  Ludwigsburg: 93,
  'Bietigheim-Bissingen': 43,
  Kornwestheim: 34,
  'Vaihingen an der Enz': 29,
  'Remseck am Neckar': 26,
  Ditzingen: 25,
  Gerlingen: 19,
  'Korntal-Münchingen': 19,
  Sachsenheim: 18,
  'Marbach am Neckar': 16,
  'Freiberg am Neckar': 16,
  Markgröningen: 14,
  Asperg: 13,
  Besigheim: 12,
  'Steinheim an der Murr': 12,
  Tamm: 12,
  Möglingen: 11,
  Schwieberdingen: 11,
  Großbottwar: 8.5,
  Oberstenfeld: 8,
  Hemmingen: 8,
  Bönnigheim: 7.5,
  Eberdingen: 6.8,
  'Benningen am Neckar': 6.5,
  Ingersheim: 6.3,
  Pleidelsheim: 6.3,
  'Kirchheim am Neckar': 6,
  Murr: 6,
  Sersheim: 5.5,
  Löchgau: 5.5,
  Erdmannhausen: 5.3,
  Affalterbach: 4.5,
  Gemmrigheim: 4.4,
  Oberriexingen: 3.4,
  // No integration-management cases in these small towns in the demonstration data:
  Mundelsheim: 0,
  Walheim: 0,
  Erligheim: 0,
  Freudental: 0,
  Hessigheim: 0,
};

interface ProviderPlan {
  code: string;
  share: number;
  managers: number;
}
const PROVIDERS: ProviderPlan[] = [
  { code: 'LRA', share: 0.23, managers: 11 },
  { code: 'KDV', share: 0.25, managers: 12 },
  { code: 'CARITAS', share: 0.2, managers: 10 },
  { code: 'AWO', share: 0.18, managers: 9 },
  { code: 'DRK', share: 0.14, managers: 6 },
];

const COUNTRIES: [string, number][] = [
  ['SYR', 34],
  ['AFG', 17],
  ['IRQ', 13],
  ['NGA', 8],
  ['ERI', 6],
  ['GMB', 5],
  ['TUR', 5],
  ['IRN', 4],
  ['SOM', 2],
  ['PAK', 2],
  ['GEO', 1.5],
  ['CMR', 1],
  ['SRB', 1],
  ['ETH', 0.5],
];

type Phase = 'active' | 'closed_before' | 'new_2021';

interface Person {
  caseId: string;
  adult: boolean;
  sex: 'f' | 'm' | 'd' | 'x';
  birthMonth: string;
  startedOn: string;
  languageLevel?: string;
  languageSince?: string;
  employment?: string;
  employmentSince?: string;
  planCreatedOn?: string;
}

interface Household {
  id: string;
  provider: string;
  municipality: string;
  manager: string;
  country: string | null;
  phase: Phase;
  startedOn: string;
  endedOn?: string;
  endReason?: string;
  leaseSignedOn?: string;
  members: Person[];
}

export function generateDemonstrationData(seed = SEED) {
  const r = rng(seed);
  const municipalities = readFileSync(
    new URL('../fixtures/reference/municipalities-ludwigsburg.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [ags, name] = line.split(';');
      return { ags: ags as string, name: name as string };
    });
  const served = municipalities.filter((m) => (POPULATION[m.name] ?? 0) > 0);
  if (served.length !== spec.municipalities_active)
    throw new Error('municipality plan does not match the spec');

  // Each municipality is served by one provider; the largest go to the provider furthest below its share.
  const totalPopulation = served.reduce((sum, m) => sum + (POPULATION[m.name] as number), 0);
  const load = new Map(PROVIDERS.map((p) => [p.code, 0]));
  const providerOf = new Map<string, string>();
  for (const m of [...served].sort(
    (a, b) => (POPULATION[b.name] as number) - (POPULATION[a.name] as number),
  )) {
    const provider = [...PROVIDERS].sort((a, b) =>
      a.share * totalPopulation - (load.get(a.code) as number) <
      b.share * totalPopulation - (load.get(b.code) as number)
        ? 1
        : -1,
    )[0] as ProviderPlan;
    providerOf.set(m.ags, provider.code);
    load.set(provider.code, (load.get(provider.code) as number) + (POPULATION[m.name] as number));
  }
  const managers = new Map(
    PROVIDERS.map((p) => [
      p.code,
      Array.from(
        { length: p.managers },
        (_, i) => `IM-${p.code}-${String(i + 1).padStart(2, '0')}`,
      ),
    ]),
  );
  if (PROVIDERS.reduce((sum, p) => sum + p.managers, 0) !== spec.managers_active.value)
    throw new Error('manager plan does not match the spec');

  const pseudonym = pseudonyms(r, 6);

  const randomDate = (from: string, to: string) =>
    iso(toDate(from) + Math.floor(r.next() * ((toDate(to) - toDate(from)) / DAY + 1)) * DAY);
  /** A birth month giving exactly `age` full years on `on` (counted from the month's first day). */
  const birthMonthForAge = (age: number, on: string) => {
    const [y, m] = on.split('-').map(Number) as [number, number];
    // Months before the latest possible birth month; a baby is born before the date itself.
    const offset = r.int(age === 0 ? 1 : 0, 11);
    const latest = y * 12 + (m - 1) - age * 12;
    const months = latest - offset;
    return `${Math.floor(months / 12)}-${String((months % 12) + 1).padStart(2, '0')}-01`;
  };
  const adultAge = () =>
    r.weighted<[number, number]>([
      [[18, 26], 30],
      [[27, 44], 48],
      [[45, 64], 19],
      [[65, 75], 3],
    ]);
  const childAge = () =>
    r.weighted<[number, number]>([
      [[0, 5], 42],
      [[6, 17], 58],
    ]);

  const municipalityWeights = served.map((m) => [m.ags, POPULATION[m.name] as number] as const);
  const household = (phase: Phase, adults: number, children: number, ageOn: string): Household => {
    const municipality = r.weighted(municipalityWeights);
    const provider = providerOf.get(municipality) as string;
    const country = r.next() < 0.01 ? null : r.weighted(COUNTRIES);
    const members: Person[] = [];
    for (let i = 0; i < adults + children; i++) {
      const adult = i < adults;
      const [lo, hi] = adult ? adultAge() : childAge();
      const sex =
        r.next() < 0.004
          ? 'x'
          : adults === 2 && i < 2
            ? i === 0
              ? 'm'
              : 'f'
            : adult
              ? r.next() < 0.64
                ? 'm'
                : 'f'
              : r.next() < 0.52
                ? 'm'
                : 'f';
      members.push({
        caseId: pseudonym(`${provider.slice(0, 3)}-`),
        adult,
        sex,
        birthMonth: birthMonthForAge(r.int(lo, hi), ageOn),
        startedOn: '',
      });
    }
    return {
      id: pseudonym('HH-'),
      provider,
      municipality,
      manager: r.pick(managers.get(provider) as string[]),
      country,
      phase,
      startedOn: '',
      members,
    };
  };

  /** Households for exactly `adults` adults and `children` children. */
  const population = (
    phase: Phase,
    adults: number,
    children: number,
    ageOn: string,
  ): Household[] => {
    const sizes: number[] = [];
    let left = adults;
    while (left > 0) {
      const a = left >= 2 && r.next() < 0.42 ? 2 : 1;
      sizes.push(a);
      left -= a;
    }
    const childCounts = sizes.map(() => 0);
    const withChildren = r
      .shuffle(sizes.map((_, i) => i))
      .filter((i) => sizes[i] === 2 || r.next() < 0.25);
    for (let c = 0; c < children; c++) {
      const open = withChildren.filter((i) => (childCounts[i] as number) < 6);
      const i = r.pick(open.length > 0 ? open : sizes.map((_, j) => j));
      childCounts[i] = (childCounts[i] as number) + 1;
    }
    return sizes.map((a, i) => household(phase, a, childCounts[i] as number, ageOn));
  };

  // 1. Active on 01.01.2021, 2. closed before, 3. started in January and February 2021.
  const active = population('active', ADULTS, MINORS, S);
  const startYears: [[string, string], number][] = [
    [['2018-01-08', '2018-12-20'], 34],
    [['2019-01-07', '2019-12-20'], 33],
    [['2020-01-07', '2020-12-18'], 33],
  ];
  for (const h of active) {
    const [from, to] = r.weighted(startYears);
    h.startedOn = randomDate(from, to);
  }
  // Every manager has cases on 01.01.2021: deal each provider's managers out once first.
  for (const plan of PROVIDERS) {
    const own = r.shuffle(active.filter((h) => h.provider === plan.code));
    (managers.get(plan.code) as string[]).forEach((manager, i) => {
      const h = own[i];
      if (!h) throw new Error(`${plan.code} has fewer households than managers`);
      h.manager = manager;
    });
  }
  // Some active households finish in January or February 2021, those from early 2018 at the maximum duration.
  const closingEarly = r.shuffle([...active]).slice(0, 45);
  for (const h of closingEarly) {
    const threeYears = addDays(h.startedOn, 3 * 365 + 1);
    h.endedOn =
      threeYears > S && threeYears <= AS_OF ? threeYears : randomDate('2021-01-04', '2021-02-26');
    h.endReason =
      threeYears === h.endedOn
        ? 'max_duration'
        : r.weighted([
            ['independent', 5],
            ['moved_away', 2],
            ['handed_over', 2],
            ['contact_lost', 1],
          ]);
  }
  const closedEarlyPeople = closingEarly.reduce((sum, h) => sum + h.members.length, 0);
  const closedBeforeTarget = CLOSED - closedEarlyPeople;
  const closedAdults = Math.round(closedBeforeTarget * 0.63);
  const closed = population(
    'closed_before',
    closedAdults,
    closedBeforeTarget - closedAdults,
    '2020-06-01',
  );
  for (const h of closed) {
    h.startedOn = randomDate('2018-01-08', '2020-08-31');
    h.endedOn = randomDate(addDays(h.startedOn, 90), minDate(addDays(h.startedOn, 3 * 365), S));
    h.endReason = r.weighted([
      ['independent', 42],
      ['moved_away', 20],
      ['handed_over', 12],
      ['contact_lost', 11],
      ['departed', 6],
      ['other', 8],
      ['deceased', 1],
    ]);
  }
  const newcomers = population('new_2021', 70, 48, '2021-02-01');
  for (const h of newcomers) h.startedOn = randomDate('2021-01-05', '2021-02-26');

  // Leases: exactly the published number among cases closed by 01.03.2021, signed before the end.
  const closedByMarch = r.shuffle([...closed, ...closingEarly]);
  closedByMarch.sort(
    (a, b) => Number(b.endReason === 'independent') - Number(a.endReason === 'independent'),
  );
  let withLease = 0;
  for (const h of closedByMarch) {
    const size = h.members.length;
    if (
      withLease + size > CLOSED_WITH_LEASE ||
      (h.endReason !== 'independent' && r.next() < 0.5 && withLease + size < CLOSED_WITH_LEASE - 20)
    )
      continue;
    h.leaseSignedOn = randomDate(addDays(h.startedOn, 30), h.endedOn as string);
    withLease += size;
  }
  if (withLease !== CLOSED_WITH_LEASE)
    throw new Error(`lease plan reached ${withLease}, not ${CLOSED_WITH_LEASE}`);
  // Households still in counselling may have found a flat already.
  for (const h of active)
    if (!h.endedOn && r.next() < 0.12)
      h.leaseSignedOn = randomDate(addDays(h.startedOn, 60), '2021-02-26');

  const all = [...active, ...closed, ...newcomers];
  for (const h of all) {
    for (const p of h.members) {
      // A child born during counselling joins the case at birth; none is born after the end.
      if (h.endedOn && addDays(p.birthMonth, 14) > h.endedOn)
        p.birthMonth = `${addDays(h.startedOn, -40).slice(0, 7)}-01`;
      p.startedOn = maxDate(h.startedOn, addDays(p.birthMonth, 14));
      if (r.next() < 0.86) {
        const plan = addDays(p.startedOn, r.int(14, 120));
        if (plan <= (h.endedOn ?? AS_OF)) p.planCreatedOn = plan;
      }
    }
  }

  // Language and employment of adults active on 01.01.2021: exactly the published shares,
  // with the status dated on or before that day. Longer counselling makes B1 and work likelier.
  const activeAdults = active.flatMap((h) =>
    h.members.filter((p) => p.adult).map((p) => ({ p, h })),
  );
  const weightedSample = <T extends { h: Household }>(
    items: T[],
    count: number,
    weight: (x: T) => number,
  ): T[] => {
    const keyed = items.map((x) => ({ x, key: r.next() ** (1 / weight(x)) }));
    return keyed
      .sort((a, b) => b.key - a.key)
      .slice(0, count)
      .map((k) => k.x);
  };
  const years = (x: { h: Household }) => 1 + (toDate(S) - toDate(x.h.startedOn)) / (365 * DAY);
  const b1 = new Set(weightedSample(activeAdults, B1_PLUS, years));
  const restLanguage = activeAdults.filter((x) => !b1.has(x));
  const sv = new Set(weightedSample(activeAdults, SV, (x) => years(x) * (b1.has(x) ? 2 : 1)));
  const training = new Set(
    weightedSample(
      activeAdults.filter((x) => !sv.has(x)),
      TRAINING,
      (x) => (b1.has(x) ? 3 : 1),
    ),
  );
  const statusSince = (p: Person, _h: Household, latest: string) =>
    randomDate(minDate(addDays(p.startedOn, 30), latest), latest);
  for (const x of b1) {
    x.p.languageLevel = r.weighted([
      ['B1', 70],
      ['B2', 24],
      ['C1', 5],
      ['C2', 1],
    ]);
    x.p.languageSince = statusSince(x.p, x.h, S);
  }
  for (const x of restLanguage) {
    const roll = r.next();
    if (roll < 0.08) continue; // not known
    if (roll < 0.11) {
      // Reached B1 only after the reporting date: not yet counted on 01.01.2021.
      x.p.languageLevel = 'B1';
      x.p.languageSince = randomDate(
        '2021-01-08',
        x.h.endedOn ? minDate(x.h.endedOn, AS_OF) : AS_OF,
      );
      continue;
    }
    x.p.languageLevel = r.weighted([
      ['none', 7],
      ['alpha', 12],
      ['A1', 33],
      ['A2', 48],
    ]);
    x.p.languageSince = statusSince(x.p, x.h, S);
  }
  for (const x of activeAdults) {
    if (sv.has(x)) x.p.employment = 'sv_employment';
    else if (training.has(x))
      x.p.employment = r.weighted([
        ['vocational_training', 60],
        ['internship', 25],
        ['studies', 15],
      ]);
    else {
      const roll = r.next();
      if (roll < 0.1) continue; // not known
      x.p.employment = r.weighted([
        ['language_course', 38],
        ['none', 38],
        ['marginal', 14],
        ['self_employed', 2],
        ['school', 8],
      ]);
    }
    x.p.employmentSince = statusSince(x.p, x.h, S);
  }
  // Closed cases keep their status on the day of closing; newcomers start with little German.
  for (const h of closed) {
    for (const p of h.members.filter((m) => m.adult)) {
      const end = h.endedOn as string;
      if (r.next() < 0.9) {
        p.languageLevel = r.weighted([
          ['A1', 20],
          ['A2', 35],
          ['B1', 32],
          ['B2', 10],
          ['C1', 3],
        ]);
        p.languageSince = statusSince(p, h, end);
      }
      if (r.next() < 0.9) {
        p.employment = r.weighted([
          ['sv_employment', h.endReason === 'independent' ? 45 : 12],
          ['vocational_training', 8],
          ['marginal', 12],
          ['language_course', 18],
          ['none', 20],
        ]);
        p.employmentSince = statusSince(p, h, end);
      }
    }
  }
  for (const h of newcomers) {
    for (const p of h.members.filter((m) => m.adult)) {
      if (r.next() < 0.7) {
        p.languageLevel = r.weighted([
          ['none', 30],
          ['alpha', 20],
          ['A1', 40],
          ['A2', 10],
        ]);
        p.languageSince = p.startedOn;
      }
      if (r.next() < 0.7) {
        p.employment = r.weighted([
          ['language_course', 50],
          ['none', 50],
        ]);
        p.employmentSince = p.startedOn;
      }
    }
  }
  for (const h of all) {
    for (const p of h.members.filter((m) => !m.adult)) {
      const ageAtStart = (toDate(p.startedOn) - toDate(p.birthMonth)) / (365.25 * DAY);
      if (ageAtStart >= 6 && r.next() < 0.8) {
        p.employment = 'school';
        p.employmentSince = p.startedOn;
      }
    }
  }
  return all;
}

type Style = {
  file: string;
  german: boolean;
  delimiter: ';' | ',';
  encoding: 'utf8-bom' | 'utf8' | 'windows-1252';
  germanDates: boolean;
  labels: boolean;
  municipalityByName: boolean;
  crlf: boolean;
};

/** How each provider's system writes its export. */
export const STYLES: Record<string, Style> = {
  AWO: {
    file: 'awo-2021-03-01.csv',
    german: false,
    delimiter: ';',
    encoding: 'utf8-bom',
    germanDates: false,
    labels: false,
    municipalityByName: false,
    crlf: true,
  },
  CARITAS: {
    file: 'caritas-2021-03-01.csv',
    german: true,
    delimiter: ';',
    encoding: 'windows-1252',
    germanDates: true,
    labels: true,
    municipalityByName: true,
    crlf: true,
  },
  KDV: {
    file: 'kdv-2021-03-01.csv',
    german: false,
    delimiter: ',',
    encoding: 'utf8',
    germanDates: false,
    labels: false,
    municipalityByName: false,
    crlf: false,
  },
  DRK: {
    file: 'drk-2021-03-01.csv',
    german: true,
    delimiter: ';',
    encoding: 'utf8',
    germanDates: true,
    labels: false,
    municipalityByName: false,
    crlf: true,
  },
  LRA: {
    file: 'lra-2021-03-01.csv',
    german: true,
    delimiter: ';',
    encoding: 'windows-1252',
    germanDates: true,
    labels: true,
    municipalityByName: false,
    crlf: true,
  },
};

const HEADERS: [string, string][] = [
  ['case_id', 'Fall_ID'],
  ['provider', 'Traeger'],
  ['municipality', 'Gemeinde'],
  ['manager_id', 'IM_Kennung'],
  ['household_id', 'Haushalt_ID'],
  ['sex', 'Geschlecht'],
  ['birth_month', 'Geburtsmonat'],
  ['country_of_origin', 'Herkunftsland'],
  ['started_on', 'Beginn'],
  ['ended_on', 'Ende'],
  ['end_reason', 'Beendigungsgrund'],
  ['plan_created_on', 'Integrationsplan_seit'],
  ['language_level', 'Sprachniveau'],
  ['language_level_since', 'Sprachniveau_seit'],
  ['employment', 'Beschaeftigung'],
  ['employment_since', 'Beschaeftigung_seit'],
  ['housing', 'Wohnsituation'],
  ['lease_signed_on', 'Mietvertrag_seit'],
];
/** An export written with labels uses the German spelling a provider's system would. */
const labelFor = (codes: readonly Code[], code: string) => {
  const entry = codes.find((c) => c.code === code) as Code;
  return entry.aliases?.[0] ?? entry.label;
};

export function renderExports(
  households: Household[],
  municipalityNames: Map<string, string>,
): Map<string, { file: string; bytes: Buffer; rows: number }> {
  const files = new Map<string, { file: string; bytes: Buffer; rows: number }>();
  for (const [provider, style] of Object.entries(STYLES)) {
    const date = (value: string | undefined) =>
      !value ? '' : style.germanDates ? value.split('-').reverse().join('.') : value;
    const month = (value: string) =>
      style.germanDates ? `${value.slice(5, 7)}.${value.slice(0, 4)}` : value.slice(0, 7);
    const code = (codes: readonly Code[], value: string | undefined) =>
      !value ? '' : style.labels ? labelFor(codes, value) : value;
    const cell = (value: string) =>
      value.includes(style.delimiter) || value.includes('"')
        ? `"${value.replaceAll('"', '""')}"`
        : value;
    const lines = [
      HEADERS.map(([canonical, german]) => (style.german ? german : canonical)).join(
        style.delimiter,
      ),
    ];
    let rows = 0;
    for (const h of households.filter((x) => x.provider === provider)) {
      for (const p of h.members) {
        const housing = h.leaseSignedOn && h.leaseSignedOn <= AS_OF ? 'private_lease' : 'follow_up';
        lines.push(
          [
            p.caseId,
            provider,
            style.municipalityByName
              ? (municipalityNames.get(h.municipality) as string)
              : h.municipality,
            h.manager,
            h.members.length > 1 ? h.id : '',
            code(SEX, p.sex),
            month(p.birthMonth),
            h.country ?? '',
            date(p.startedOn),
            date(h.endedOn),
            code(END_REASONS, h.endReason),
            date(p.planCreatedOn),
            code(LANGUAGE_LEVELS, p.languageLevel),
            date(p.languageSince),
            code(EMPLOYMENT, p.employment),
            date(p.employmentSince),
            code(HOUSING, housing),
            date(h.leaseSignedOn),
          ]
            .map(cell)
            .join(style.delimiter),
        );
        rows++;
      }
    }
    const text = lines.join(style.crlf ? '\r\n' : '\n') + (style.crlf ? '\r\n' : '\n');
    const bytes =
      style.encoding === 'windows-1252'
        ? Buffer.from(text, 'latin1')
        : Buffer.concat([
            style.encoding === 'utf8-bom' ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
            Buffer.from(text, 'utf8'),
          ]);
    files.set(provider, { file: style.file, bytes, rows });
  }
  return files;
}

export function writeDemonstrationExports(outDir: string) {
  const households = generateDemonstrationData();
  const names = new Map(
    readFileSync(
      new URL('../fixtures/reference/municipalities-ludwigsburg.csv', import.meta.url),
      'utf8',
    )
      .trim()
      .split('\n')
      .slice(1)
      .map((line) => line.split(';').slice(0, 2) as [string, string]),
  );
  mkdirSync(outDir, { recursive: true });
  const manifest = [];
  for (const [provider, { file, bytes, rows }] of renderExports(households, names)) {
    writeFileSync(join(outDir, file), bytes);
    manifest.push({ provider, as_of: AS_OF, file, rows });
  }
  writeFileSync(
    join(outDir, 'manifest.json'),
    `${JSON.stringify({ seed: SEED, exports: manifest }, null, 2)}\n`,
  );
  return manifest;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({ options: { out: { type: 'string', default: 'fixtures/demo' } } });
  const manifest = writeDemonstrationExports(resolve(values.out as string));
  for (const entry of manifest)
    console.log(`${entry.file}: ${entry.rows} Fälle (${entry.provider}, Stand ${entry.as_of})`);
}
