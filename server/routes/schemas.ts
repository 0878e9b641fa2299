// Schemas shared by the routes.
import { Type } from 'typebox';

export const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Datum als JJJJ-MM-TT',
});

export const FormatParam = Type.Optional(
  Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('arrow')], {
    description: 'Antwortformat; sonst nach Accept-Header',
  }),
);

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const Figure = {
  value: Nullable(Type.Number()),
  numerator: Nullable(Type.Integer()),
  denominator: Nullable(Type.Integer()),
  suppressed: Type.Boolean(),
};

/** An indicator on a date as it leaves the server: what it is, and its disclosed figure. */
export const ReportedFields = {
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  kind: Type.String(),
  ...Figure,
};

/** One side of a share or ratio; `id` is null where it is no indicator of its own. */
export const DefinitionPart = Nullable(
  Type.Object({ id: Nullable(Type.String()), label: Type.String() }),
);

/** A figure of GET /api/v1/funding, as that answer and GET /api/v1/definitions describe it. */
export const FundingFigureDefinition = Type.Object({
  id: Type.String(),
  label: Type.String(),
  definition: Type.String(),
  kind: Type.String(),
  numerator: DefinitionPart,
  denominator: DefinitionPart,
});

export const Rules = Nullable(Type.Object({ k: Type.Integer(), minDenominator: Type.Integer() }));

export const Issue = Type.Object({
  row: Nullable(Type.Integer()),
  column: Nullable(Type.String()),
  message: Type.String(),
  value: Type.Optional(Type.String()),
  code: Type.Optional(Type.Literal('older_snapshot')),
});
