// The indicator registry and the dimensions as data: what every figure means, for the
// definitions page, chart labels and tooltips, and for outside readers.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { DefinitionsAnswer } from '../../contract/api.ts';
import {
  categoryLabel,
  DIMENSION_IDS,
  DIMENSIONS,
  directoryCategories,
} from '../indicators/dimensions.ts';
import { fundingDefinitions } from '../indicators/funding.ts';
import { byLabel } from '../indicators/names.ts';
import { findIndicator, INDICATORS, type Indicator } from '../indicators/registry.ts';

function parts(indicator: Indicator) {
  const labelOf = (id: string) => findIndicator(id)?.label ?? id;
  switch (indicator.kind) {
    case 'count':
      return { numerator: null, denominator: null };
    case 'share':
      return {
        numerator: { id: null, label: indicator.numeratorLabel },
        denominator: { id: indicator.denominator, label: labelOf(indicator.denominator) },
      };
    case 'ratio':
      return {
        numerator: { id: indicator.numerator, label: labelOf(indicator.numerator) },
        denominator: { id: indicator.denominator, label: labelOf(indicator.denominator) },
      };
  }
}

const definitions: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/v1/definitions',
    {
      config: { access: 'public' },
      schema: {
        response: {
          200: DefinitionsAnswer,
        },
      },
    },
    async () => {
      const db = app.database.db;
      const directory = await directoryCategories(db, app.config.district);
      // Countries have no fixed list: those of the district's cases, by their German names.
      const countries = await db
        .selectFrom('cases')
        .select('country')
        .distinct()
        .where('district_key', '=', app.config.district)
        .where('country', 'is not', null)
        .execute();
      const found = {
        country: byLabel(
          countries.map(({ country }) => ({
            key: country as string,
            label: categoryLabel('country', country as string),
          })),
        ),
      } as Partial<Record<(typeof DIMENSION_IDS)[number], { key: string; label: string }[]>>;
      return {
        indicators: INDICATORS.map((indicator) => ({
          id: indicator.id,
          label: indicator.label,
          definition: indicator.definition,
          population: indicator.population,
          kind: indicator.kind,
          period: indicator.kind === 'count' && indicator.period === true,
          ...parts(indicator),
        })),
        dimensions: DIMENSION_IDS.map((id) => ({
          id,
          label: DIMENSIONS[id].label,
          categories: DIMENSIONS[id].categories?.(directory) ?? found[id] ?? [],
        })),
        funding: fundingDefinitions(),
      };
    },
  );
};

export default definitions;
