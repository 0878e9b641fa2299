// Monthly figures made by older definitions (or missing) are rebuilt in the background once
// the app is ready, one provider per transaction: the server answers at once, and until a
// provider's slice is current again its figures come from the case rows (figures.ts falls
// back to the direct SQL for any slice that is not current), so every answer stays exact.
// `/api/v1/health` says which state the figures are in.
import fp from 'fastify-plugin';
import { refreshStaleMonthlyFigures, staleMonthlySlices } from '../indicators/figures-monthly.ts';

export type MonthlyFiguresState = 'current' | 'stale' | 'rebuilding';

export interface MonthlyFigures {
  readonly state: MonthlyFiguresState;
  /** Resolves when no rebuild is running (at once if none is). */
  idle(): Promise<void>;
  /** Rebuilds the stale slices in the background; returns at once (nothing to do if current). */
  rebuild(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    monthlyFigures: MonthlyFigures;
  }
}

export interface MonthlyFiguresOptions {
  /**
   * `off`: no rebuild on ready (the state still says whether figures are stale); the server
   * (main.ts) starts it with `rebuild()` once it listens.
   */
  rebuild?: 'background' | 'off';
  /** Awaited before each slice's rebuild, outside its transaction (tests hold it here). */
  beforeSlice?: (slice: { district: string; provider: string }) => void | Promise<void>;
}

export default fp<MonthlyFiguresOptions>(
  async (app, options) => {
    let state: MonthlyFiguresState = 'stale';
    let running: Promise<void> | undefined;
    let closing = false;

    /** Looks for stale slices (one quick query): the state is known before the rebuild runs. */
    async function check(): Promise<boolean> {
      const stale = (await staleMonthlySlices(app.database.db)).length > 0;
      state = stale ? 'stale' : 'current';
      return stale;
    }

    async function run() {
      const db = app.database.db;
      try {
        state = 'rebuilding';
        const started = performance.now();
        const providers = await refreshStaleMonthlyFigures(db, {
          stopped: () => closing,
          onSlice: async (slice) => {
            app.log.info(slice, 'rebuilding monthly figures');
            await options.beforeSlice?.(slice);
          },
        });
        await check();
        app.log.info(
          { providers, seconds: Math.round(performance.now() - started) / 1000, state },
          'monthly figures rebuilt',
        );
      } catch (error) {
        state = 'stale';
        if (!closing) app.log.error({ err: error }, 'monthly figures: rebuild failed');
      }
    }

    const monthlyFigures: MonthlyFigures = {
      get state() {
        return state;
      },
      idle: async () => {
        while (running) await running;
      },
      rebuild() {
        if (running || closing || state === 'current') return;
        state = 'rebuilding';
        running = run().finally(() => {
          running = undefined;
        });
      },
    };
    app.decorate('monthlyFigures', monthlyFigures);

    app.addHook('onReady', async () => {
      if ((await check()) && options.rebuild !== 'off') monthlyFigures.rebuild();
    });
    // The database closes after this: let the running slice finish, start no other.
    app.addHook('preClose', async () => {
      closing = true;
      await monthlyFigures.idle();
    });
  },
  { name: 'monthly-figures', dependencies: ['database'] },
);
