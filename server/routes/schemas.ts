// Schemas shared by the routes.
import { Type } from 'typebox';

export const IsoDate = Type.String({
  pattern: '^\\d{4}-\\d{2}-\\d{2}$',
  description: 'Datum als JJJJ-MM-TT',
});

export const FormatParam = Type.Optional(
  Type.Union(
    [
      Type.Literal('json'),
      Type.Literal('csv'),
      Type.Literal('xlsx'),
      Type.Literal('arrow'),
      Type.Literal('arrows'),
    ],
    {
      description:
        'Antwortformat: json, csv, xlsx (Excel), arrow (Arrow-IPC-Datei), arrows (Arrow-IPC-Stream); sonst nach Accept-Header',
    },
  ),
);

export const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const Protection = Type.Union(
  [Type.Literal('none'), Type.Literal('audited'), Type.Literal('perturbed')],
  {
    description:
      'Schutz des Werts: none (ungeschützt, nur für das Landratsamt und den eigenen Träger), audited (exakt, geprüft), perturbed (Cell-Key-Verfahren, leicht verändert)',
  },
);

export const Figure = {
  value: Nullable(Type.Number()),
  numerator: Nullable(Type.Integer()),
  denominator: Nullable(Type.Integer()),
  suppressed: Type.Boolean(),
  protection: Protection,
};

/**
 * A figure of a published report: reports frozen before the Cell Key Method (their figures
 * exact or withheld by the suppression rules of their day) hold no `protection`.
 */
export const PublishedFigure = { ...Figure, protection: Type.Optional(Protection) };

/** The rules a published report was frozen under; older reports hold only k and the denominator. */
export const PublishedRules = Type.Object({
  k: Type.Integer(),
  minDenominator: Type.Integer(),
  protectionWidth: Type.Optional(Type.Integer()),
  cellKey: Type.Optional(Type.Object({ maxDeviation: Type.Integer(), variance: Type.Number() })),
});

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

export const Rules = Nullable(
  Type.Object({
    k: Type.Integer(),
    minDenominator: Type.Integer(),
    protectionWidth: Type.Integer(),
    cellKey: Type.Object({ maxDeviation: Type.Integer(), variance: Type.Number() }),
  }),
);

export const Issue = Type.Object({
  row: Nullable(Type.Integer()),
  column: Nullable(Type.String()),
  message: Type.String(),
  value: Type.Optional(Type.String()),
  code: Type.Optional(Type.Literal('older_snapshot')),
});
