// One error handler: a 4xx says what to change, a 5xx says nothing internal and is logged.
// Every error is application/problem+json (RFC 9457), in German. A refused parameter is
// named with the value seen and what is allowed (`parameter`, `in`, `value`, `allowed`,
// and `allowed_values` where the choice is a list), whether the route's schema refused it
// (the Ajv errors are translated here, with the allowed values read from the schema) or a
// handler did (invalidParameter).
import type { FastifyError, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { clientGone } from './database.ts';

export class ProblemError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
  }
}

const TITLES: Record<number, string> = {
  400: 'Ungültige Anfrage',
  401: 'Nicht angemeldet',
  403: 'Keine Berechtigung',
  404: 'Nicht gefunden',
  405: 'Methode nicht erlaubt',
  406: 'Format nicht verfügbar',
  413: 'Datei zu groß',
  415: 'Falscher Inhaltstyp',
  422: 'Nicht verarbeitbar',
  429: 'Zu viele Versuche',
  500: 'Interner Fehler',
};

/** Where a parameter travels: query string, path, or a field of the body. */
export type ParameterLocation = 'query' | 'path' | 'body';

const NOUN: Record<ParameterLocation, string> = {
  query: 'Parameter',
  path: 'Pfadparameter',
  body: 'Feld',
};

/** What a refused parameter may be instead: a description, and the values where they are a list. */
export interface Allowed {
  allowed: string;
  allowed_values?: readonly unknown[];
}

/** The values as a German list: „a“, „b“ oder „c“. */
export function listOf(values: readonly unknown[]): string {
  const quoted = values.map((v) => `„${String(v)}“`);
  if (quoted.length <= 1) return quoted.join('');
  if (quoted.length > 40)
    return `${quoted.slice(0, 40).join(', ')} und ${quoted.length - 40} weitere (siehe allowed_values)`;
  return `${quoted.slice(0, -1).join(', ')} oder ${quoted.at(-1)}`;
}

/** Values never echoed in an answer: secrets. */
const SECRET = /passw|secret|token|kennwort/i;

function shown(parameter: string, value: unknown): unknown {
  if (value === undefined) return null;
  if (SECRET.test(parameter)) return '(verborgen)';
  if (typeof value === 'string') return value.length > 200 ? `${value.slice(0, 200)}…` : value;
  return value;
}

const asText = (value: unknown) =>
  typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));

/**
 * A parameter whose value is not allowed: 400, naming it, the value seen and what is
 * allowed. `problem` says what is wrong with the value, after „Parameter „x“: “.
 */
export function invalidParameter(
  parameter: string,
  value: unknown,
  allowed: Allowed,
  options: { in?: ParameterLocation; problem?: string; status?: number } = {},
): ProblemError {
  const where = options.in ?? 'query';
  const seen = shown(parameter, value);
  const problem =
    options.problem ??
    (value === undefined || value === null ? 'fehlt' : `„${asText(seen)}“ ist nicht erlaubt`);
  // "Parameter „date“ fehlt." but "Parameter „by“: „x“ ist nicht erlaubt."
  const joined = /^(fehlt|ist hier unbekannt)$/.test(problem);
  const status = options.status ?? 400;
  return new ProblemError(
    status,
    TITLES[status] ?? 'Ungültige Anfrage',
    `${NOUN[where]} „${parameter}“${joined ? ' ' : ': '}${problem}. Erlaubt: ${allowed.allowed}.`,
    {
      parameter,
      in: where,
      value: seen,
      allowed: allowed.allowed,
      ...(allowed.allowed_values ? { allowed_values: allowed.allowed_values } : {}),
    },
  );
}

// ---------------------------------------------------------------------------------------
// Translating schema validation (Ajv) errors.

interface JsonSchema {
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  pattern?: string;
  format?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  additionalProperties?: boolean | JsonSchema;
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
}

/** The values a schema allows, when they are a list (constants, an enum, a union of them). */
export function valuesOf(schema: JsonSchema | undefined): unknown[] | undefined {
  if (!schema) return undefined;
  if (schema.const !== undefined) return [schema.const];
  if (schema.enum) return schema.enum;
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const values: unknown[] = [];
    for (const branch of branches) {
      if (branch.type === 'null') {
        values.push(null);
        continue;
      }
      const own = valuesOf(branch);
      if (!own) return undefined;
      values.push(...own);
    }
    return values;
  }
  if (schema.type === 'boolean') return [true, false];
  return undefined;
}

const TYPE_NAMES: Record<string, string> = {
  string: 'ein Text',
  integer: 'eine ganze Zahl',
  number: 'eine Zahl',
  boolean: 'true oder false',
  object: 'ein Objekt',
  array: 'eine Liste',
  null: 'null',
};

/** What a schema allows, in German, for `allowed`. */
export function allowedOf(schema: JsonSchema | undefined): Allowed {
  if (!schema) return { allowed: 'siehe /api/v1/docs' };
  const values = valuesOf(schema);
  if (values) return { allowed: `einer der Werte ${listOf(values)}`, allowed_values: values };
  const parts: string[] = [];
  if (schema.description) parts.push(schema.description);
  else if (typeof schema.type === 'string' && TYPE_NAMES[schema.type])
    parts.push(TYPE_NAMES[schema.type] as string);
  if (schema.pattern) parts.push(`Muster ${schema.pattern}`);
  if (schema.minimum !== undefined && schema.maximum !== undefined)
    parts.push(`von ${schema.minimum} bis ${schema.maximum}`);
  else if (schema.minimum !== undefined) parts.push(`mindestens ${schema.minimum}`);
  else if (schema.maximum !== undefined) parts.push(`höchstens ${schema.maximum}`);
  if (schema.minLength !== undefined && schema.minLength > 1)
    parts.push(`mindestens ${schema.minLength} Zeichen`);
  else if (schema.minLength === 1) parts.push('nicht leer');
  if (schema.maxLength !== undefined) parts.push(`höchstens ${schema.maxLength} Zeichen`);
  return { allowed: parts.join(', ') || 'siehe /api/v1/docs' };
}

function schemaAt(root: JsonSchema | undefined, path: readonly string[]): JsonSchema | undefined {
  let schema = root;
  for (const step of path) {
    if (!schema) return undefined;
    if (schema.properties?.[step]) schema = schema.properties[step];
    else if (schema.items) schema = schema.items;
    else return undefined;
  }
  return schema;
}

function valueAt(root: unknown, path: readonly string[]): unknown {
  let value = root;
  for (const step of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

const CONTEXTS = {
  querystring: { in: 'query', key: 'querystring', data: 'query' },
  params: { in: 'path', key: 'params', data: 'params' },
  body: { in: 'body', key: 'body', data: 'body' },
  headers: { in: 'query', key: 'headers', data: 'headers' },
} as const;

/** The problem of a request its route's schema refused. */
export function validationProblem(error: FastifyError, request: FastifyRequest): ProblemError {
  const errors = (error.validation ?? []) as AjvError[];
  const context =
    CONTEXTS[(error.validationContext ?? 'querystring') as keyof typeof CONTEXTS] ??
    CONTEXTS.querystring;
  const root = (request.routeOptions.schema as Record<string, JsonSchema> | undefined)?.[
    context.key
  ];
  const data = (request as unknown as Record<string, unknown>)[context.data];
  const first = errors[0];
  const path = (first?.instancePath ?? '').split('/').filter(Boolean).map(decodeURIComponent);

  if (first?.keyword === 'required') {
    const name = String(first.params.missingProperty ?? '');
    const full = [...path, name];
    return invalidParameter(full.join('.'), undefined, allowedOf(schemaAt(root, full)), {
      in: context.in,
      problem: 'fehlt',
    });
  }
  if (first?.keyword === 'additionalProperties') {
    const name = String(first.params.additionalProperty ?? '');
    const known = Object.keys(schemaAt(root, path)?.properties ?? {});
    return invalidParameter(
      [...path, name].join('.'),
      valueAt(data, [...path, name]),
      { allowed: `nur ${listOf(known)}`, allowed_values: known },
      { in: context.in, problem: 'ist hier unbekannt' },
    );
  }
  if (path.length === 0) {
    // The whole body (or query) is of the wrong kind.
    return new ProblemError(
      400,
      TITLES[400] as string,
      context.in === 'body'
        ? 'Der Inhalt der Anfrage muss ein JSON-Objekt sein (Content-Type: application/json).'
        : 'Die Anfrage hat nicht die erwartete Form; die Schnittstelle ist unter /api/v1/docs beschrieben.',
    );
  }
  const schema = schemaAt(root, path);
  const value = valueAt(data, path);
  const allowed = allowedOf(schema);
  const keywords = new Set(
    errors.filter((e) => e.instancePath === first?.instancePath).map((e) => e.keyword),
  );
  const seen = `„${asText(shown(path.join('.'), value))}“`;
  let problem = `${seen} ist nicht erlaubt`;
  if (allowed.allowed_values) {
    // A choice from a list: the list says it all.
  } else if (keywords.has('pattern') || keywords.has('format'))
    problem = `${seen} hat nicht die erwartete Form`;
  else if (keywords.has('type')) problem = `${seen} hat den falschen Typ`;
  else if (keywords.has('maxLength')) problem = `${seen} ist zu lang`;
  else if (keywords.has('minLength')) problem = `${seen} ist zu kurz`;
  else if (keywords.has('minimum') || keywords.has('exclusiveMinimum'))
    problem = `${seen} ist zu klein`;
  else if (keywords.has('maximum') || keywords.has('exclusiveMaximum'))
    problem = `${seen} ist zu groß`;
  return invalidParameter(path.join('.'), value, allowed, { in: context.in, problem });
}

// ---------------------------------------------------------------------------------------
// Fastify's and its plugins' own client errors, in German.

function clientErrorDetail(
  error: FastifyError,
  request: FastifyRequest,
  uploadLimitMb: number,
): string {
  switch (error.code) {
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return request.headers['content-type']?.startsWith('multipart/')
        ? `Die Datei ist größer als erlaubt (${uploadLimitMb} MB).`
        : 'Der Inhalt der Anfrage ist zu groß (höchstens 1 MB).';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Der Inhaltstyp „${request.headers['content-type'] ?? ''}“ wird hier nicht angenommen. Erlaubt: application/json (Uploads: multipart/form-data).`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Der Inhalt der Anfrage ist leer, obwohl Content-Type application/json angegeben ist.';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return 'Der Inhalt der Anfrage ist kein gültiges JSON.';
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return 'Die Angabe Content-Length passt nicht zum Inhalt der Anfrage.';
    case 'FST_ERR_CTP_INVALID_TYPE':
    case 'FST_ERR_CTP_INVALID_HEADER':
      return 'Der Content-Type-Header ist ungültig.';
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return 'Bitte als multipart/form-data senden.';
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
      return 'Die Anfrage hat zu viele Teile oder Felder.';
    case 'FST_PROTO_VIOLATION':
      return 'Ein Feld der Anfrage hat einen unzulässigen Namen.';
    case 'FST_ERR_BAD_URL':
      return 'Die Adresse der Anfrage ist ungültig kodiert.';
    default:
      if (error.statusCode === 413)
        return `Die Datei ist größer als erlaubt (${uploadLimitMb} MB).`;
      if (error.statusCode === 415) return 'Dieser Inhaltstyp wird hier nicht angenommen.';
      if (error instanceof SyntaxError) return 'Der Inhalt der Anfrage ist kein gültiges JSON.';
      return 'Die Anfrage konnte so nicht bearbeitet werden; die Schnittstelle ist unter /api/v1/docs beschrieben.';
  }
}

export default fp(
  async (app) => {
    const uploadLimitMb = Math.round(app.config.uploadLimitBytes / 1024 / 1024);
    app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
      let problem: ProblemError;
      if (error instanceof ProblemError) {
        problem = error;
      } else if (error.validation) {
        problem = validationProblem(error, request);
      } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        const status = error.statusCode;
        problem = new ProblemError(
          status,
          TITLES[status] ?? 'Fehler',
          clientErrorDetail(error, request, uploadLimitMb),
        );
      } else if (clientGone(request) && stoppedOnPurpose(error)) {
        // Its work was stopped on purpose (plugins/database.ts); nobody is there to answer.
        request.log.info({ err: error }, 'client went away, work stopped');
        problem = new ProblemError(499, 'Client Closed Request', 'Die Verbindung wurde beendet.');
      } else {
        request.log.error({ err: error }, 'request failed');
        problem = new ProblemError(
          500,
          TITLES[500] as string,
          'Die Anfrage konnte nicht bearbeitet werden. Der Fehler wurde protokolliert.',
        );
      }
      const { status, title, detail, extra } = problem;
      return reply
        .status(status)
        .type('application/problem+json; charset=utf-8')
        .send({ type: 'about:blank', title, status, detail, ...extra });
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .type('application/problem+json; charset=utf-8')
        .send({
          type: 'about:blank',
          title: TITLES[404],
          status: 404,
          detail: `Unter ${request.method} ${request.url.split('?')[0]} gibt es nichts. Die Schnittstelle ist unter /api/v1/docs beschrieben (als OpenAPI-Dokument: /api/v1/openapi.json).`,
        }),
    );
  },
  { name: 'errors', dependencies: ['config'] },
);

/**
 * Whether an error is the stop of a request's work because its client went away (the
 * abort, or PostgreSQL's "canceling statement" after a cancel), not a failure that
 * happened while it went: those are logged as errors.
 */
function stoppedOnPurpose(error: { name?: string; code?: unknown }): boolean {
  return error.name === 'AbortError' || error.code === '57014';
}
