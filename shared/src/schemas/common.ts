import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { idPattern, type IdKind } from '../ids';

export const ErrorResponse = Type.Object(
  {
    code: Type.String({ description: 'Stable error code from @memberloop/shared ERRORS' }),
    message: Type.String(),
    details: Type.Optional(
      Type.Array(Type.Object({ path: Type.String(), message: Type.String() }, { additionalProperties: false })),
    ),
  },
  { $id: 'ErrorResponse', additionalProperties: false },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

export const IdOf = (kind: IdKind, description?: string) =>
  Type.String({ pattern: idPattern(kind), description: description ?? `${kind} id` });

export const Timestamp = Type.String({ format: 'date-time', description: 'ISO 8601 instant, UTC' });
export const CalendarDate = Type.String({ format: 'date', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' });

export const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PageQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
    offset: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, default: 0 })),
  },
  { additionalProperties: false },
);
export type PageQuery = Static<typeof PageQuery>;

export const Page = <T extends TSchema>(item: T) =>
  Type.Object({ items: Type.Array(item), total: Type.Integer({ minimum: 0 }) }, { additionalProperties: false });

export const OkResponse = Type.Object({ ok: Type.Literal(true) }, { additionalProperties: false });
