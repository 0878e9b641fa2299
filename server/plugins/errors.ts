// One error handler: a 4xx says what to change, a 5xx says nothing internal and is logged.
// Every error is application/problem+json (RFC 9457).
import type { FastifyError } from 'fastify';
import fp from 'fastify-plugin';

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
  406: 'Format nicht verfügbar',
  413: 'Datei zu groß',
  415: 'Falscher Inhaltstyp',
  422: 'Nicht verarbeitbar',
  429: 'Zu viele Versuche',
  500: 'Interner Fehler',
};

function validationDetail(error: FastifyError): string {
  const first = error.validation?.[0];
  if (!first) return error.message;
  const where = error.validationContext === 'querystring' ? 'Parameter' : 'Feld';
  const field =
    first.instancePath.replace(/^\//, '') ||
    (first.params as { missingProperty?: string }).missingProperty ||
    '';
  return `${where} „${field}“: ${first.message ?? 'ungültig'}.`;
}

export default fp(
  async (app) => {
    app.setErrorHandler((error: FastifyError | ProblemError, request, reply) => {
      let status: number;
      let detail: string;
      let extra: Record<string, unknown> = {};
      if (error instanceof ProblemError) {
        ({ status, detail, extra } = error);
      } else if (error.validation) {
        status = 400;
        detail = validationDetail(error);
      } else if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        status = error.statusCode;
        detail =
          error.code === 'FST_REQ_FILE_TOO_LARGE' || status === 413
            ? `Die Datei ist größer als erlaubt (${Math.round(app.config.uploadLimitBytes / 1024 / 1024)} MB).`
            : error.message;
      } else {
        request.log.error({ err: error }, 'request failed');
        status = 500;
        detail = 'Die Anfrage konnte nicht bearbeitet werden. Der Fehler wurde protokolliert.';
      }
      return reply
        .status(status)
        .type('application/problem+json; charset=utf-8')
        .send({ type: 'about:blank', title: TITLES[status] ?? 'Fehler', status, detail, ...extra });
    });
    app.setNotFoundHandler((request, reply) =>
      reply
        .status(404)
        .type('application/problem+json; charset=utf-8')
        .send({
          type: 'about:blank',
          title: TITLES[404],
          status: 404,
          detail: `Unter ${request.method} ${request.url.split('?')[0]} gibt es nichts. Die Schnittstelle ist unter /api/v1/ beschrieben.`,
        }),
    );
  },
  { name: 'errors', dependencies: ['config'] },
);
