import { z } from 'zod';

/** How a group shows its consumers: a card each, or one row each in a table. */
export const consumerLayoutSchema = z.enum(['cards', 'compact']);
export type ConsumerLayout = z.infer<typeof consumerLayoutSchema>;

/**
 * What {@link LAYOUT_STORAGE_KEY} holds: a JSON object of choices by group name. Only its shape is checked with
 * this: zod copies a record into a new object, where a group named `__proto__` is lost, so each choice is read
 * from the stored object itself and checked with {@link consumerLayoutSchema} on its own (one unreadable choice
 * costs the others nothing).
 */
const storedChoicesSchema = z.record(z.string(), z.unknown());

/**
 * Past this many consumers a group opens as a table. Cards are about 210 px tall and a group panel beside another
 * holds two a row at 1280 to 1440 px, so eight consumers already fill a screen (four rows); more than that, and
 * comparing one with another means scrolling, which the table's one row each (about 30 px) spares. A group the user
 * switched by hand keeps that choice whatever its size.
 */
export const COMPACT_ABOVE = 8;

/**
 * What a group shows: the user's choice for it if they made one, else a table past {@link COMPACT_ABOVE}, and
 * still a table once this page showed it so by itself (`shownCompact`) however many are left. Back to cards at
 * 8, a Remove clicked in the table turned the table into cards under the cursor (another consumer's buttons there)
 * and pushed the note saying what the removal did a screen down; the next add at 9 turned them back.
 */
export function shownLayout(
  choice: ConsumerLayout | undefined,
  consumers: number,
  shownCompact = false,
): ConsumerLayout {
  return choice ?? (shownCompact || consumers > COMPACT_ABOVE ? 'compact' : 'cards');
}

/** The localStorage key of every group's choice, one JSON object by group name. */
export const LAYOUT_STORAGE_KEY = 'streamscope.consumer-layout';

/**
 * The choices stored under {@link LAYOUT_STORAGE_KEY}; anything unreadable (another version's shape, a hand edit)
 * counts as no choice, as a dashboard must open whatever localStorage holds. A Map: a group may be named `__proto__`.
 */
export function parseLayoutChoices(raw: string | null): Map<string, ConsumerLayout> {
  const choices = new Map<string, ConsumerLayout>();
  if (raw === null) return choices;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return choices;
  }
  if (!storedChoicesSchema.safeParse(parsed).success) return choices;
  for (const [group, value] of Object.entries(parsed as Record<string, unknown>)) {
    const layout = consumerLayoutSchema.safeParse(value);
    if (layout.success) choices.set(group, layout.data);
  }
  return choices;
}

/** The stored text once `group` is set to `layout`, keeping the other groups' choices. */
export function serializeLayoutChoices(
  choices: ReadonlyMap<string, ConsumerLayout>,
  group: string,
  layout: ConsumerLayout,
): string {
  return JSON.stringify(Object.fromEntries(new Map(choices).set(group, layout)));
}
