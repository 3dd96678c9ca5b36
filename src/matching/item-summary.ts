import { Type, type Static } from 'typebox';

/** What the other side of a hit may be told about an item (under a "full" policy): its kind, never its value. */
export const ItemSummarySchema = Type.Object(
  {
    kind: Type.Enum(['selector', 'media']),
    type: Type.String({ maxLength: 40 }),
    label: Type.String({ maxLength: 200 }),
    since: Type.String({ maxLength: 10 }),
  },
  { additionalProperties: false },
);
export type ItemSummary = Static<typeof ItemSummarySchema>;
