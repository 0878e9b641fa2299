// Erkunden, Verlauf and a published report, rendered on the server for their addresses
// (`/erkunden?kennzahl=…&nach=…&stichtag=…`, `/verlauf?kennzahl=…&intervall=…&von=…&bis=…
// [&traeger=…|&gemeinde=…]`, `/berichte/<slug>`): the built page (dist/index.html) with the
// page's figures, its chart as SVG and its table, drawn by the browser's own code
// (web/pages/explore.ts, trends.ts, published.ts, with Observable Plot) on a DOM from jsdom.
// Complete and readable without JavaScript; the script then only adds what is interactive
// (web/pages/choice-hydrate.ts, report-hydrate.ts), as for the interim report at `/`
// (report-page.ts).
//
// The figures are asked of the API itself (inject), with the caller's cookie or token and
// address: the same answers, disclosure and rate limit as the browser's own requests, so an
// anonymous request renders only what the public may see. A published report is rendered as
// the public sees it (what the signed-in see besides is added by the script).
//
// The query: a missing parameter takes the page's default (as in the browser); a parameter
// given with a value that is unknown or malformed is answered with 400 and a German message
// on the page, saying which and why (exploreProblems, trendsProblems); parameters the page
// does not know are ignored. `von` after `bis` is taken the other way round.

import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type {
  BreakdownResponse,
  DefinitionsResponse,
  PublishedReport,
  SeriesResponse,
} from '../../web/api.ts';
import { audienceOf } from '../accounts/caller.ts';
import { drawOnDom } from './dom-globals.ts';

type PageId = 'explore' | 'trends' | 'published';
/** Draws into the page's container, on the DOM the renderer has made global. */
type Draw = (container: HTMLElement) => void;
type Modules = {
  explore: typeof import('../../web/pages/explore.ts');
  trends: typeof import('../../web/pages/trends.ts');
  published: typeof import('../../web/pages/published.ts');
  dom: typeof import('../../web/dom.ts');
  downloads: typeof import('../../web/figure-downloads.ts');
};
interface Renderer {
  modules: Modules;
  /** A copy of the page with `draw` run in `page`'s container, shown instead of the report. */
  render(url: string, page: PageId, draw: Draw, mark?: Record<string, string>): string;
}

async function loadRenderer(template: string): Promise<Renderer> {
  const { JSDOM, VirtualConsole } = await import('jsdom');
  const modules: Modules = {
    explore: await import('../../web/pages/explore.ts'),
    trends: await import('../../web/pages/trends.ts'),
    published: await import('../../web/pages/published.ts'),
    dom: await import('../../web/dom.ts'),
    downloads: await import('../../web/figure-downloads.ts'),
  };
  return {
    modules,
    render(url, page, draw, mark = {}) {
      const dom = new JSDOM(template, { url, virtualConsole: new VirtualConsole() });
      drawOnDom(dom, () => {
        const { document } = dom.window;
        (document.getElementById('page-report') as HTMLElement).hidden = true;
        const container = document.getElementById(`page-${page}`) as HTMLElement;
        container.hidden = false;
        const section = new URL(url).pathname.split('/')[1] ?? '';
        for (const link of document.querySelectorAll('#site-sections a')) {
          const href = link.getAttribute('href') ?? '';
          if (href === `/${section}` || (section === 'berichte' && href === '#berichte'))
            link.setAttribute('aria-current', 'page');
        }
        draw(container);
        Object.assign(container.dataset, mark);
      });
      // The downloads' data after the content, not in the figures (figure-downloads.ts).
      modules.downloads.moveDownloadData(dom.window.document);
      // Date and month fields as text fields until the script runs (dom.ts).
      modules.dom.dateFieldsAsText(dom.window.document);
      return dom.serialize();
    },
  };
}

/** An answer of the API other than 200: its status and German detail, for the page. */
class PageProblem extends Error {
  constructor(
    readonly status: number,
    readonly problems: string[],
  ) {
    super(problems.join(' '));
  }
}

const TITLES: Record<PageId, string> = {
  explore: 'Erkunden',
  trends: 'Verlauf',
  published: 'Veröffentlichter Bericht',
};

const pages: FastifyPluginAsync<{ template: string }> = async (app, { template }) => {
  let loading: Promise<Renderer> | undefined;
  const renderer = () => {
    if (!loading) {
      const started = loadRenderer(template);
      loading = started;
      started.catch(() => {
        if (loading === started) loading = undefined;
      });
    }
    return loading;
  };

  /** A GET of the API as the caller (cookie, token, address), or a PageProblem. */
  async function api<T>(request: FastifyRequest, url: string, asCaller = true): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (asCaller)
      for (const name of ['cookie', 'authorization'] as const) {
        const value = request.headers[name];
        if (typeof value === 'string') headers[name] = value;
      }
    const response = await app.inject({
      method: 'GET',
      url,
      headers,
      remoteAddress: request.ip,
    });
    if (response.statusCode !== 200) {
      const problem = (() => {
        try {
          return response.json() as { detail?: unknown };
        } catch {
          return {};
        }
      })();
      throw new PageProblem(response.statusCode, [
        typeof problem.detail === 'string'
          ? problem.detail
          : `Der Server antwortet mit ${response.statusCode}.`,
      ]);
    }
    return response.json() as T;
  }

  const pageUrl = (request: FastifyRequest) =>
    `${request.protocol}://${request.host}${request.url}`;

  /** The page with a heading and what is wrong instead of figures, with its status. */
  async function problemPage(
    request: FastifyRequest,
    reply: FastifyReply,
    page: PageId,
    status: number,
    problems: string[],
  ) {
    const { modules, render } = await renderer();
    const { element } = modules.dom;
    const home = page === 'explore' ? '/erkunden' : page === 'trends' ? '/verlauf' : '/#berichte';
    const html = render(pageUrl(request), page, (container) => {
      document.title = `${TITLES[page]} – Zwischenbilanz Integrationsmanagement`;
      container.replaceChildren(
        element('h2', { textContent: TITLES[page], tabIndex: -1 }),
        element(
          'div',
          { className: 'status error' },
          element('p', {
            textContent:
              status === 400
                ? 'Diese Adresse enthält eine ungültige Auswahl:'
                : 'Diese Seite kann nicht angezeigt werden:',
          }),
          element('ul', {}, ...problems.map((text) => element('li', { textContent: text }))),
        ),
        element(
          'p',
          {},
          element('a', {
            href: home,
            textContent:
              page === 'published' ? 'Alle Berichte' : `${TITLES[page]} mit der Voreinstellung`,
          }),
        ),
      );
      container.setAttribute('role', 'alert');
    });
    return reply.code(status).type('text/html; charset=utf-8').send(html);
  }

  async function answer(
    request: FastifyRequest,
    reply: FastifyReply,
    page: PageId,
    build: (
      modules: Modules,
    ) => Promise<{ draw: Draw; audience: string; canonical?: string | undefined }>,
  ) {
    const { modules, render } = await renderer();
    try {
      const { draw, audience, canonical } = await build(modules);
      const html = render(pageUrl(request), page, draw, {
        address: request.url,
        audience,
        ...(canonical ? { canonical } : {}),
      });
      return reply.type('text/html; charset=utf-8').send(html);
    } catch (error) {
      if (error instanceof PageProblem)
        return problemPage(request, reply, page, error.status, error.problems);
      throw error;
    }
  }

  const query = (request: FastifyRequest) => {
    const search = request.url.indexOf('?');
    return new URLSearchParams(search < 0 ? '' : request.url.slice(search + 1));
  };

  app.get(
    '/erkunden',
    { config: { access: 'public', figureCache: true }, schema: { hide: true } },
    (request, reply) =>
      answer(request, reply, 'explore', async ({ explore }) => {
        const params = query(request);
        const definitions = await api<DefinitionsResponse>(request, '/api/v1/definitions');
        const problems = explore.exploreProblems(params, definitions);
        if (problems.length > 0) throw new PageProblem(400, problems);
        const choice = explore.exploreChoice(params, definitions);
        const breakdown = await api<BreakdownResponse>(
          request,
          `/api/v1/indicators/${choice.kennzahl}/breakdown?${new URLSearchParams({ date: choice.stichtag, by: choice.nach })}`,
        );
        return {
          audience: audienceOf(request.caller),
          draw: (container) => {
            explore.drawExplore(container, definitions, choice, breakdown);
            document.title = `Erkunden – Zwischenbilanz Integrationsmanagement`;
          },
        };
      }),
  );

  app.get(
    '/verlauf',
    { config: { access: 'public', figureCache: true }, schema: { hide: true } },
    (request, reply) =>
      answer(request, reply, 'trends', async ({ trends }) => {
        const params = query(request);
        const definitions = await api<DefinitionsResponse>(request, '/api/v1/definitions');
        const problems = trends.trendsProblems(params, definitions);
        if (problems.length > 0) throw new PageProblem(400, problems);
        let choice = trends.trendsChoice(params, definitions);
        let series = await api<SeriesResponse>(request, trends.trendsRequest(choice).url);
        const covered = trends.coveredChoice(params, choice, series);
        if (covered) {
          choice = covered;
          series = await api<SeriesResponse>(request, trends.trendsRequest(choice).url);
        }
        const shown = choice;
        const answered = series;
        return {
          audience: audienceOf(request.caller),
          // The address with the month the series ends with, as the browser writes it.
          canonical: covered ? trends.trendsHash(covered) : undefined,
          draw: (container) => {
            trends.drawTrends(container, definitions, shown, answered);
            document.title = `Verlauf – Zwischenbilanz Integrationsmanagement`;
          },
        };
      }),
  );

  app.get<{ Params: { slug: string } }>(
    '/berichte/:slug',
    { config: { access: 'public' }, schema: { hide: true } },
    (request, reply) =>
      answer(request, reply, 'published', async ({ published }) => {
        const report = await api<PublishedReport>(
          request,
          `/api/v1/reports/${encodeURIComponent(request.params.slug)}`,
          false,
        );
        return {
          audience: 'public',
          draw: (container) => published.drawPublished(container, report),
        };
      }),
  );
};

export default pages;
