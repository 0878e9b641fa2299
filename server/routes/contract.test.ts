// The API's contract as an outside tool sees it: every route in a valid OpenAPI document,
// every refused parameter answered in German problem+json naming the parameter, the value
// seen and what is allowed; filters that name nothing refused; names German and in German
// order. Driven by the OpenAPI document itself, so a new parameter is tried without a
// line here.
import { validate } from '@readme/openapi-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countryName, germanCollator } from '../indicators/names.ts';
import { bearerFor } from '../test/accounts.ts';
import { createTestApp, DATABASE_KIND } from '../test/database.ts';

let test: Awaited<ReturnType<typeof createTestApp>>;
let admin: { authorization: string };

beforeAll(async () => {
  test = await createTestApp({ demonstrationData: true });
  admin = await bearerFor(test.database.handle.db, 'admin');
});
afterAll(() => test?.close());

interface Schema {
  type?: string;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  properties?: Record<string, Schema>;
  required?: string[];
}
interface Operation {
  summary?: string;
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function openapiDocument(): Promise<Document> {
  const response = await test.app.inject({ url: '/api/v1/openapi.json' });
  expect(response.statusCode).toBe(200);
  return response.json();
}

const operations = (document: Document) =>
  Object.entries(document.paths).flatMap(([path, byMethod]) =>
    Object.entries(byMethod).map(([method, operation]) => ({
      method: method.toUpperCase(),
      path,
      operation,
    })),
  );

/** A request each route answers with 200/201 (GET) or accepts up to its handler (the rest). */
const VALID: Record<string, { url: string; body?: Record<string, unknown> }> = {
  'GET /api/v1/indicators': { url: '/api/v1/indicators?date=2021-01-01' },
  'GET /api/v1/interim-report': {
    url: '/api/v1/interim-report?stichtag=2021-01-01&beendet_bis=2021-03-01',
  },
  'GET /api/v1/indicators/{id}/breakdown': {
    url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=sex',
  },
  'GET /api/v1/indicators/{id}/crosstab': {
    url: '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=sex&columns=age_group',
  },
  'GET /api/v1/indicators/{id}/series': {
    url: '/api/v1/indicators/clients_active/series?from=2020-01&to=2020-12',
  },
  'GET /api/v1/funding': { url: '/api/v1/funding?from=2018&to=2020' },
  'GET /api/v1/quality': { url: '/api/v1/quality?date=2021-03-01' },
  'GET /api/v1/audit': { url: '/api/v1/audit' },
  'GET /api/v1/reports/{slug}': { url: '/api/v1/reports/2021-03-01-vertragstest' },
  'DELETE /api/v1/tokens/{id}': { url: '/api/v1/tokens/00000000-0000-0000-0000-000000000000' },
  'POST /api/v1/session': {
    url: '/api/v1/session',
    body: { name: 'niemand', password: 'falsch' },
  },
  'POST /api/v1/tokens': {
    url: '/api/v1/tokens',
    body: { name: 'Vertragstest', role: 'press' },
  },
  'POST /api/v1/reports': {
    url: '/api/v1/reports',
    body: {
      title: 'Vertragstest',
      stichtag: '2021-01-01',
      beendet_bis: '2021-03-01',
      provisional_confirmed: true,
      republish_confirmed: true,
    },
  },
  'POST /api/v1/reports/{slug}/withdrawal': {
    url: '/api/v1/reports/2021-03-01-vertragstest/withdrawal',
    body: { reason: 'Nur ein Test des Vertrags.' },
  },
};

/** A value no parameter allows: not a date, a code, a key, a number or a choice. */
const INVALID = '§ungültig';
/** For a field of a JSON body: no text, number or flag. */
const INVALID_FIELD = { ungültig: true };

/** Words of the validator's English that must never reach a reader. */
const ENGLISH = /\b(must|should|equal|constant|pattern|match|required|property|invalid|allowed)\b/i;

function withValue(url: string, name: string, value: string): string {
  const [path, query = ''] = url.split('?') as [string, string?];
  const params = new URLSearchParams(query);
  params.set(name, value);
  return `${path}?${params.toString()}`;
}

function pathWithValue(template: string, valid: string, name: string, value: string): string {
  const [validPath, query] = valid.split('?') as [string, string?];
  const templateParts = template.split('/');
  const validParts = validPath.split('/');
  const parts = templateParts.map((part, i) =>
    part === `{${name}}` ? encodeURIComponent(value) : (validParts[i] as string),
  );
  return `${parts.join('/')}${query ? `?${query}` : ''}`;
}

function valuesOf(schema: Schema | undefined): unknown[] | undefined {
  if (!schema) return undefined;
  if (schema.enum) return schema.enum;
  if (schema.const !== undefined) return [schema.const];
  if (schema.anyOf?.every((b) => b.const !== undefined || b.enum))
    return schema.anyOf.flatMap((b) => b.enum ?? [b.const]);
  return undefined;
}

function expectGermanProblem(
  response: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  what: string,
  expected: { parameter: string; value: unknown; allowedValues?: unknown[] | undefined },
) {
  expect(response.statusCode, what).toBeGreaterThanOrEqual(400);
  expect(response.statusCode, what).toBeLessThan(500);
  expect(String(response.headers['content-type']), what).toContain('application/problem+json');
  const problem = response.json() as Record<string, unknown>;
  expect(problem, what).toMatchObject({
    status: response.statusCode,
    parameter: expected.parameter,
    value: expected.value,
    allowed: expect.any(String),
  });
  expect(String(problem.allowed).length, what).toBeGreaterThan(0);
  expect(problem.detail, what).toEqual(expect.stringContaining(`„${expected.parameter}“`));
  expect(problem.detail, what).toEqual(expect.stringContaining('Erlaubt:'));
  // The English words may appear only inside the value the caller sent or a pattern.
  const prose = String(problem.detail)
    .replaceAll(String(expected.value), '')
    .replace(/Muster \S+/g, '');
  expect(prose, what).not.toMatch(ENGLISH);
  expect(String(problem.title), what).not.toMatch(ENGLISH);
  if (expected.allowedValues) expect(problem.allowed_values, what).toEqual(expected.allowedValues);
}

describe(`the API contract on ${DATABASE_KIND}`, () => {
  it('publishes a valid OpenAPI 3 document listing every route, each with a German summary', async () => {
    const document = await openapiDocument();
    expect(document.openapi).toMatch(/^3\./);
    const result = await validate(structuredClone(document) as never);
    expect(result.valid ? [] : result.errors, 'the document is valid OpenAPI').toEqual([]);
    expect(result.specification).toBe('OpenAPI');
    expect(result.valid).toBe(true);

    const documented = operations(document)
      .map((o) => `${o.method} ${o.path}`)
      .sort();
    const registered = test.app.apiRoutes
      .map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`)
      .sort();
    expect(documented).toEqual(registered);
    // Answers are described in German too, errors as problem details.
    expect(JSON.stringify(document)).not.toContain('Default Response');
    for (const { method, path, operation } of operations(document)) {
      expect(
        (operation as { responses?: Record<string, unknown> }).responses?.['4XX'],
        `${method} ${path}`,
      ).toBeDefined();
      expect(operation.summary, `${method} ${path}`).toMatch(/[a-zäöüß]{3}/);
      expect(operation.summary, `${method} ${path}`).not.toMatch(ENGLISH);
    }
  });

  it('indexes the API at /api/v1/ with links to the document and the readable page, not to itself', async () => {
    const index = await test.app.inject({ url: '/api/v1/' });
    expect(index.statusCode).toBe(200);
    const links = index.json().links as { href: string; rel: string }[];
    const hrefs = links.map((link) => link.href);
    expect(hrefs).toContain('/api/v1/openapi.json');
    expect(hrefs).toContain('/api/v1/docs');
    expect(hrefs).not.toContain('/api/v1/');
    for (const href of hrefs) {
      const target = await test.app.inject({ url: href });
      expect(target.statusCode, href).toBe(200);
    }
    const page = await test.app.inject({ url: '/api/v1/docs' });
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('<html lang="de">');
    // Nothing loaded from elsewhere: no script, no address of another host.
    expect(page.body).not.toMatch(/<script|https?:\/\//);
    for (const route of test.app.apiRoutes)
      expect(page.body, `${route.method} ${route.url}`).toContain(
        `${route.method} ${route.url.replace(/:(\w+)/g, '{$1}')}`,
      );
    // A route the server does not have points to the page, which exists.
    const missing = await test.app.inject({ url: '/api/v1/gibt-es-nicht' });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().detail).toContain('/api/v1/docs');
  });

  it('refuses an invalid value of every parameter of every route in German, naming parameter, value and what is allowed', async () => {
    const document = await openapiDocument();
    let tried = 0;
    for (const { method, path, operation } of operations(document)) {
      const key = `${method} ${path}`;
      const parameters = (operation.parameters ?? []).filter(
        (p) => p.in === 'query' || p.in === 'path',
      );
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const fields = Object.entries(bodySchema?.properties ?? {});
      if (parameters.length === 0 && fields.length === 0) continue;
      const valid = VALID[key];
      expect(valid, `${key}: a valid request for the contract test`).toBeDefined();
      if (!valid) continue;

      for (const parameter of parameters) {
        const url =
          parameter.in === 'path'
            ? pathWithValue(path, valid.url, parameter.name, INVALID)
            : withValue(valid.url, parameter.name, INVALID);
        const response = await test.app.inject({
          method: method as 'GET',
          url,
          headers: admin,
          ...(valid.body ? { payload: valid.body } : {}),
        });
        expectGermanProblem(response, `${key} ${parameter.name}=${INVALID}`, {
          parameter: parameter.name,
          value: INVALID,
          allowedValues: valuesOf(parameter.schema),
        });
        tried++;
      }
      for (const [name, schema] of fields) {
        const response = await test.app.inject({
          method: method as 'POST',
          url: valid.url,
          headers: admin,
          payload: { ...valid.body, [name]: INVALID_FIELD },
        });
        expectGermanProblem(response, `${key} ${name}`, {
          parameter: name,
          // Secrets are never echoed.
          value: /passw/.test(name) ? '(verborgen)' : INVALID_FIELD,
          allowedValues: valuesOf(schema),
        });
        tried++;
      }
      // A required query parameter left out is named, with nothing seen.
      for (const parameter of parameters.filter((p) => p.required && p.in === 'query')) {
        const [base, query = ''] = valid.url.split('?') as [string, string?];
        const params = new URLSearchParams(query);
        params.delete(parameter.name);
        const response = await test.app.inject({
          method: method as 'GET',
          url: `${base}?${params.toString()}`,
          headers: admin,
        });
        expectGermanProblem(response, `${key} without ${parameter.name}`, {
          parameter: parameter.name,
          value: null,
        });
        expect(response.json().detail).toContain(`„${parameter.name}“ fehlt`);
      }
    }
    // Every figure route's parameters, the session's and the reports' fields at least.
    expect(tried).toBeGreaterThan(40);
  });

  it.each([
    [
      'invalid JSON',
      { payload: '{"name": ', headers: { 'content-type': 'application/json' } },
      400,
      'kein gültiges JSON',
    ],
    [
      'an empty JSON body',
      { payload: '', headers: { 'content-type': 'application/json' } },
      400,
      'leer',
    ],
    [
      'a body of the wrong kind',
      { payload: '<name/>', headers: { 'content-type': 'application/xml' } },
      415,
      'Inhaltstyp',
    ],
    [
      'a JSON array',
      { payload: '[1]', headers: { 'content-type': 'application/json' } },
      400,
      'JSON-Objekt',
    ],
  ] as const)('answers %s in German', async (_what, request, status, words) => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/v1/session',
      payload: request.payload,
      headers: { ...request.headers },
    });
    expect(response.statusCode).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem.detail).toContain(words);
    expect(`${problem.title} ${problem.detail}`).not.toMatch(ENGLISH);
  });

  it('refuses a field the body does not know, naming the fields it does', async () => {
    const response = await test.app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: admin,
      payload: { name: 'x', role: 'press', rolle: 'press' },
    });
    expectGermanProblem(response, 'unknown field', {
      parameter: 'rolle',
      value: 'press',
      allowedValues: expect.arrayContaining(['name', 'role']) as never,
    });
  });

  it.each([
    'indicators?date=2021-01-01',
    'indicators/clients_active/breakdown?date=2021-01-01&by=sex',
    'indicators/clients_active/crosstab?date=2021-01-01&rows=sex&columns=age_group',
    'indicators/clients_active/series?from=2020-01&to=2020-03',
    'funding?from=2019&to=2020',
  ])('refuses unknown filters of %s with the values that exist (400, not zeros)', async (route) => {
    const url = `/api/v1/${route}`;
    const providers = ['AWO', 'CARITAS', 'DRK', 'KDV', 'LRA'];
    for (const [name, value, allowed] of [
      ['provider', 'XYZ', providers],
      ['provider', 'awo', providers],
      ['municipality', '08118999', undefined],
      ['municipality', '08119001', undefined],
      ['district', '99999', ['08118', 'all']],
    ] as const) {
      const response = await test.app.inject({ url: `${url}&${name}=${value}`, headers: admin });
      expect(response.statusCode, `${url} ${name}=${value}`).toBe(400);
      expectGermanProblem(response, `${url} ${name}=${value}`, {
        parameter: name,
        value,
        allowedValues: allowed ? [...allowed] : undefined,
      });
      if (name === 'municipality') {
        // The district's register, ordered by name as everywhere.
        const definitions = (await test.app.inject({ url: '/api/v1/definitions' })).json() as {
          dimensions: { id: string; categories: { key: string }[] }[];
        };
        const register = definitions.dimensions
          .find((d) => d.id === 'municipality')
          ?.categories.map((c) => c.key);
        expect(register?.length).toBeGreaterThan(30);
        expect(response.json().allowed_values).toEqual(register);
      }
    }
    // Known filters still answer.
    for (const filter of [
      'provider=AWO',
      'municipality=08118048',
      'district=08118',
      'district=all',
    ])
      expect((await test.app.inject({ url: `${url}&${filter}`, headers: admin })).statusCode).toBe(
        200,
      );
  });

  it('names countries in German, keeps ISO alpha-3 keys, and sorts every list of names with German collation', async () => {
    const country = (
      await test.app.inject({
        url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=country',
        headers: admin,
      })
    ).json() as { rows: { key: string; label: string }[] };
    const labels = new Map(country.rows.map((row) => [row.key, row.label]));
    expect(labels.get('SYR')).toBe('Syrien');
    expect(labels.get('AFG')).toBe('Afghanistan');
    expect(labels.get('GMB')).toBe('Gambia');
    expect(labels.get('TUR')).toBe('Türkei');
    for (const row of country.rows) {
      expect(row.key).toMatch(/^([A-Z]{3}|unknown)$/);
      expect(row.label).toBe(countryName(row.key));
      if (row.key !== 'unknown') expect(row.label, row.key).not.toBe(row.key);
    }
    const named = country.rows.filter((row) => row.key !== 'unknown').map((row) => row.label);
    expect(named).toEqual([...named].sort(germanCollator.compare));
    // The download carries the same names.
    const csv = await test.app.inject({
      url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=country&format=csv',
      headers: admin,
    });
    expect(csv.body).toContain('Syrien');
    expect(csv.body).toContain('Türkei');

    const towns = (
      await test.app.inject({
        url: '/api/v1/indicators/clients_active/breakdown?date=2021-01-01&by=municipality',
        headers: admin,
      })
    ).json() as { rows: { label: string }[] };
    const townNames = towns.rows.map((row) => row.label);
    expect(townNames.indexOf('Löchgau')).toBeLessThan(townNames.indexOf('Ludwigsburg'));
    expect(townNames.indexOf('Möglingen')).toBeLessThan(townNames.indexOf('Murr'));
    expect(townNames.indexOf('Löchgau')).toBeGreaterThanOrEqual(0);
    expect(townNames).toEqual([...townNames].sort(germanCollator.compare));

    const definitions = (await test.app.inject({ url: '/api/v1/definitions' })).json() as {
      dimensions: { id: string; categories: { key: string; label: string }[] }[];
    };
    const categories = (id: string) =>
      definitions.dimensions.find((d) => d.id === id)?.categories ?? [];
    expect(categories('municipality').map((c) => c.label)).toEqual(townNames);
    const providerNames = categories('provider').map((c) => c.label);
    expect(providerNames).toEqual([...providerNames].sort(germanCollator.compare));
    const countries = categories('country');
    expect(countries.find((c) => c.key === 'SYR')?.label).toBe('Syrien');
    const countryLabels = countries.filter((c) => c.key !== 'unknown').map((c) => c.label);
    expect(countryLabels).toEqual([...countryLabels].sort(germanCollator.compare));

    // A cross-table orders its rows and columns the same way.
    const cross = (
      await test.app.inject({
        url: '/api/v1/indicators/clients_active/crosstab?date=2021-01-01&rows=municipality&columns=country',
        headers: admin,
      })
    ).json() as { rows: { label: string }[]; columns: { key: string; label: string }[] };
    expect(cross.rows.map((r) => r.label)).toEqual(townNames);
    expect(cross.columns.find((c) => c.key === 'SYR')?.label).toBe('Syrien');
  });
});
