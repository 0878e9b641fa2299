// The district's headline audit made before anyone asks (issue #15). The first public answer
// of a district runs its audit (the linear programs over its month-first tables) once per
// state of the data: 1 to 11 seconds at 1,000,000 cases, 4.6 s on the demonstration data, which
// the first visitor after every import used to wait for. Once started (main.ts, after the
// server listens), the server's own district is audited at once, after the monthly figures'
// rebuild, and again after every change to the import log, whichever process made it; the
// figure routes then find it done (disclosure/headline-audit.ts keeps it per data version).
// Other districts (state-wide figures) are still audited on their first public answer.
import fp from 'fastify-plugin';
import { auditedHeadline } from '../disclosure/headline-audit.ts';
import { HEADLINE_INDICATORS } from '../reports/content.ts';

export interface HeadlineWarmup {
  /** Audits now and after every change of the data, in the background; returns at once. */
  start(): void;
  /** Resolves when no warm-up is running or due (at once if none is). */
  idle(): Promise<void>;
}

declare module 'fastify' {
  interface FastifyInstance {
    headlineWarmup: HeadlineWarmup;
  }
}

export default fp(
  async (app) => {
    let started = false;
    let closing = false;
    let running: Promise<void> | undefined;
    /** A change came while an audit ran: audit once more when it ends. */
    let again = false;

    async function warm() {
      // Not beside the rebuild: both want the same cores, and the audit reads the figures.
      await app.monthlyFigures.idle();
      if (closing) return;
      const begun = performance.now();
      try {
        await auditedHeadline(
          app.database.db,
          app.config.district,
          HEADLINE_INDICATORS,
          app.config.disclosure,
        );
        app.log.info(
          { district: app.config.district, ms: Math.round(performance.now() - begun) },
          'headline audit ready',
        );
      } catch (error) {
        // The first public answer tries again and reports what fails.
        if (!closing) app.log.warn({ err: error }, 'headline audit: warm-up failed');
      }
    }

    function run() {
      if (closing) return;
      if (running) {
        again = true;
        return;
      }
      running = (async () => {
        do {
          again = false;
          await warm();
        } while (again && !closing);
      })().finally(() => {
        running = undefined;
      });
    }

    const warmup: HeadlineWarmup = {
      start() {
        if (started) return;
        started = true;
        app.figureCache.onDataChange(run);
        run();
      },
      idle: async () => {
        while (running) await running;
      },
    };
    app.decorate('headlineWarmup', warmup);
    // The database closes after this: let a running audit finish, start no other.
    app.addHook('preClose', async () => {
      closing = true;
      await warmup.idle();
    });
  },
  {
    name: 'headline-warmup',
    dependencies: ['config', 'database', 'monthly-figures', 'figure-cache'],
  },
);
