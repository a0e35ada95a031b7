import { z } from 'zod';
import { LIMITS, RANDOM_EVENT_TYPE } from './limits.js';

const ENTRY_ID = /^\d{1,20}(-\d{1,20})?$/;
const RANGE_BOUND = /^(-|\+|\(?\d{1,20}(-\d{1,20})?)$/;
const UINT64_MAX = 2n ** 64n - 1n;

/** Redis keeps both halves of an ID in 64 bits; a bigger one would reach Redis only to be refused there. */
const partsFit = (bound: string) =>
  bound
    .replace(/^\(/, '')
    .split('-')
    .every((part) => part.length < 20 || BigInt(part) <= UINT64_MAX);
const TOO_BIG = 'has a part over 18446744073709551615, the largest a stream ID can hold';

const NAME_CHAR = /^[A-Za-z0-9_.:-]$/;

/**
 * The first character of a name that may not be in one, as a person can see it: a trailing space or a
 * zero-width one is invisible in the name itself, and `ö` is a letter, only not an ASCII one.
 */
function nameCharOf(input: unknown): string {
  const char = [...String(input)].find((c) => !NAME_CHAR.test(c)) ?? '';
  if (char === ' ') return 'a space';
  const code = `U+${(char.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  return /^[\p{C}\p{Z}\p{M}]$/u.test(char) ? code : `${JSON.stringify(char)} (${code})`;
}

/** Group and consumer names: short and plain, so they read well in a table and in `redis-cli`. */
export const nameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.nameMax, `must be at most ${LIMITS.nameMax} characters`)
  .regex(/^[A-Za-z0-9_.:-]*$/, {
    error: (issue) => `may contain only ASCII letters, digits and _ . : -, not ${nameCharOf(issue.input)}`,
  })
  // Names key plain objects (the charts' history, by group); this one would set the object's prototype instead.
  .refine((name) => name !== '__proto__', 'must not be __proto__');

/**
 * An entry ID, in its canonical form: Redis reads `001716998413541-00` as `1716998413541-0`, and so must
 * everything here that keys by ID (an entry's history, the IDs a reply names).
 */
export const entryIdSchema = z
  .string()
  .regex(ENTRY_ID, 'must be a stream ID like 1716998413541-0')
  .refine((id) => !ENTRY_ID.test(id) || partsFit(id), TOO_BIG)
  .transform((id) => id.replace(/(^|-)0+(?=\d)/g, '$1'));

/**
 * Where a group's cursor goes (XGROUP CREATE and SETID): `$`, after the newest entry, so only entries added later
 * are delivered; `0-0`, before the first; or after a given ID.
 */
export const groupPositionSchema = z
  .string()
  .regex(
    /^(\$|\d{1,20}(-\d{1,20})?)$/,
    "must be '$' (after the newest entry), 0-0 (before the first) or a stream ID like 1716998413541-0",
  )
  .refine((id) => id === '$' || !ENTRY_ID.test(id) || partsFit(id), TOO_BIG)
  // Canonical, as Redis reads it: `0` is 0-0 and `1716998413541` is 1716998413541-0, and answers said `0` back.
  .transform((id) =>
    id === '$' ? id : `${id}${id.includes('-') ? '' : '-0'}`.replace(/(^|-)0+(?=\d)/g, '$1'),
  );

/** XRANGE bounds: `-`, `+`, an ID, or an exclusive `(`-prefixed ID. */
export const rangeBoundSchema = z
  .string()
  .regex(RANGE_BOUND, "must be '-', '+', a stream ID, or '(' and a stream ID")
  .refine((bound) => !RANGE_BOUND.test(bound) || bound === '-' || bound === '+' || partsFit(bound), TOO_BIG);

/** Half a UTF-16 pair (JSON's "\ud800") has no UTF-8 form: Redis would get U+FFFD in its place, silently. */
const LONE_SURROGATE = 'must not contain a lone surrogate (half of a UTF-16 pair, such as \\ud800)';

/**
 * An event type to produce; omitted (or `random`) picks one of the demo's order types per event. Any text,
 * as the reference demo takes it (`order placed`, `user/signup`), but one line of it, and without the spaces
 * around it, which the reference form drops too: `" order.paid "` is `order.paid`, and `"  "` is as empty as `""`.
 */
export const eventTypeSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.eventTypeMax, `must be at most ${LIMITS.eventTypeMax} characters`)
  // `*`, not `+`: an empty type is the length check's to report, not this one's. U+2028/U+2029 end a line too.
  .regex(
    /^[^\p{Cc}\p{Zl}\p{Zp}]*$/u,
    'must not contain control characters or line breaks (newlines, tabs, NUL)',
  )
  .regex(/^\P{Cs}*$/u, LONE_SURROGATE);

/**
 * What an entry search (`entry.find`) looks for: a field's name and its value, exactly as stored (no trimming: a
 * value may begin with a space), any text but a lone surrogate.
 */
const searchedField = {
  field: z
    .string()
    .min(1, 'must not be empty')
    .max(LIMITS.findFieldMax, `must be at most ${LIMITS.findFieldMax} characters`)
    .regex(/^\P{Cs}*$/u, LONE_SURROGATE),
  value: z
    .string()
    .max(LIMITS.findValueMax, `must be at most ${LIMITS.findValueMax} characters`)
    .regex(/^\P{Cs}*$/u, LONE_SURROGATE),
};

/** An optional event type, where `random` means the same as none: pick one per event. */
const producedEventType = eventTypeSchema
  .optional()
  .transform((type) => (type === RANDOM_EVENT_TYPE ? undefined : type));

/** A bound as the page shows numbers: 1,000,000,000 read at a glance, where 1000000000 had its zeros counted. */
const bound = (value: number) => value.toLocaleString('en-US');

const int = (label: string, min: number, max: number, notANumber?: string) =>
  z
    .number({
      // JSON's 1e400 is Infinity once parsed: too big, not "not a number". Left out is said as left out: "must be
      // a number" read as if something not a number had been sent.
      error: (issue) =>
        issue.input === Number.POSITIVE_INFINITY
          ? `${label} must be at most ${bound(max)}`
          : issue.input === Number.NEGATIVE_INFINITY
            ? `${label} must be at least ${bound(min)}`
            : (notANumber ??
              (issue.input === undefined
                ? `${label} is missing: give a number from ${bound(min)} to ${bound(max)}`
                : `${label} must be a number`)),
    })
    // Not `.int()`: zod's also refuses whole numbers past 2^53 as "not an integer", where the bound below is the
    // real reason (and says which).
    .refine(Number.isInteger, `${label} must be a whole number`)
    .min(min, `${label} must be at least ${bound(min)}`)
    .max(max, `${label} must be at most ${bound(max)}`);

const consumerRef = { group: nameSchema, name: nameSchema };

/**
 * A standing retention policy's maximum age, in milliseconds: what `retention.set` takes, and what the server
 * accepts of one saved in Redis for a restart.
 */
export const retentionMaxAgeSchema = int(
  'maxAgeMs',
  1_000,
  10 * 365 * 86_400_000,
  // Missing or a string, the reply says null is allowed too: it is how the policy is turned off.
  'maxAgeMs must be a number of milliseconds, or null to stop the policy',
);

/**
 * A command's arguments, and no others: a misspelt one (`evenType`, `aprox`) was dropped without a word, and
 * the command ran with the default in its place (random types, an approximate trim).
 */
const command = <Shape extends z.ZodRawShape>(shape: Shape) =>
  z.strictObject(shape, {
    error: (issue) => {
      if (issue.code !== 'unrecognized_keys') return undefined;
      const known = Object.keys(shape).filter((key) => key !== 'type');
      return `unknown argument${issue.keys.length === 1 ? '' : 's'} ${issue.keys.map((key) => JSON.stringify(key)).join(', ')}; ${known.length === 0 ? 'it takes none' : `it takes ${known.join(', ')}`}`;
    },
  });

/** Every action, as one tagged union: the JSON API and the WebSocket validate with the same schemas. */
export const commandSchema = z.discriminatedUnion('type', [
  command({
    type: z.literal('produce'),
    count: int('count', 1, LIMITS.produceMax),
    eventType: producedEventType,
  }),
  command({
    type: z.literal('producer.start'),
    rate: int('rate', 1, LIMITS.producerRateMax),
    eventType: producedEventType,
  }),
  command({ type: z.literal('producer.stop') }),
  command({
    type: z.literal('consumer.add'),
    ...consumerRef,
    /**
     * Refuse (404) rather than create the group when it does not exist: a page adding to a group it shows, which
     * another page or client may have deleted meanwhile. Without it, the add creates a missing group from 0-0.
     */
    groupMustExist: z.boolean().default(false),
  }),
  command({ type: z.literal('consumer.remove'), ...consumerRef }),
  command({ type: z.literal('consumer.pause'), ...consumerRef }),
  command({ type: z.literal('consumer.resume'), ...consumerRef }),
  command({ type: z.literal('consumer.crash'), ...consumerRef, count: int('count', 1, LIMITS.crashMax) }),
  command({ type: z.literal('autoclaim'), group: nameSchema, consumer: nameSchema }),
  command({
    type: z.literal('replay'),
    start: rangeBoundSchema.default('-'),
    end: rangeBoundSchema.default('+'),
    count: int('count', 1, LIMITS.replayMax).default(50),
  }),
  command({
    type: z.literal('trim.maxlen'),
    maxlen: int('maxlen', 0, 1_000_000_000),
    approx: z.boolean().default(true),
  }),
  command({
    type: z.literal('trim.minid'),
    minId: entryIdSchema.optional(),
    /** Alternatively: drop entries older than this many milliseconds. */
    olderThanMs: int('olderThanMs', 0, 10 * 365 * 86_400_000).optional(),
    approx: z.boolean().default(true),
  }).refine((command) => (command.minId === undefined) !== (command.olderThanMs === undefined), {
    message: 'give exactly one of minId or olderThanMs',
  }),
  command({ type: z.literal('reset') }),
  command({ type: z.literal('poison.inject'), count: int('count', 1, LIMITS.poisonMax).default(1) }),
  command({
    type: z.literal('dlq.list'),
    count: int('count', 1, LIMITS.dlqListMax).default(50),
    /** A letter's ID in the dead-letter stream: list the ones older than it (the next page). */
    before: entryIdSchema.optional(),
  }),
  /** Appends the dead-lettered entry's fields to the main stream again and removes it from the DLQ. */
  command({ type: z.literal('dlq.requeue'), id: entryIdSchema }),
  command({ type: z.literal('dlq.discard'), id: entryIdSchema }),
  /** Discards every dead letter up to and including `through`, the newest one the user saw; later ones stay. */
  command({ type: z.literal('dlq.purge'), through: entryIdSchema }),
  /**
   * Requeues every dead letter up to and including `through`, the newest one the user saw, as `dlq.requeue`
   * does each; later ones stay, and so do letters with nothing to requeue (reported in the reply).
   */
  command({ type: z.literal('dlq.requeue-all'), through: entryIdSchema }),
  /**
   * Dead-letters one pending entry by hand, acked in its group in the same step: a poison pill parked until its
   * handler is fixed. Only once it has been idle the claim threshold, as XAUTOCLAIM would take it: before that its
   * consumer may have it in hand.
   */
  command({ type: z.literal('pending.deadletter'), group: nameSchema, id: entryIdSchema }),
  /**
   * Claims one pending entry for a consumer of this server (XCLAIM), which handles and acks it: the per-entry
   * form of `autoclaim`. Only once idle the claim threshold, and only while the entry is still in the stream.
   */
  command({ type: z.literal('pending.claim'), group: nameSchema, id: entryIdSchema, consumer: nameSchema }),
  /** Runs XAUTOCLAIM on a timer in every worker of the group (the auto-reaper). */
  command({ type: z.literal('autoreap.set'), group: nameSchema, enabled: z.boolean() }),
  /** A standing MINID-by-age policy, applied every second; `null` turns it off. */
  command({ type: z.literal('retention.set'), maxAgeMs: retentionMaxAgeSchema.nullable() }),
  /** What a trim would remove, per group: entries still pending, and entries not yet read. */
  command({
    type: z.literal('trim.preview'),
    maxlen: int('maxlen', 0, 1_000_000_000).optional(),
    minId: entryIdSchema.optional(),
    olderThanMs: int('olderThanMs', 0, 10 * 365 * 86_400_000).optional(),
  }).refine(
    (command) =>
      [command.maxlen, command.minId, command.olderThanMs].filter((value) => value !== undefined).length ===
      1,
    { message: 'give exactly one of maxlen, minId or olderThanMs' },
  ),
  command({
    type: z.literal('entry.history'),
    // Redis appends no entry at 0-0 (XADD refuses it): its timeline said "no longer in the stream". Written `0`
    // (or `00-0`) it is 0-0 too, as every ID is read.
    id: entryIdSchema.refine(
      (id) => !/^0+(-0+)?$/.test(id),
      "0-0 is no entry's ID: Redis appends none at it",
    ),
  }),
  /**
   * The entries holding `value` in field `field`, newest first (`EventStream.findByField`); `before` searches on
   * from a previous answer's `stoppedAt`.
   */
  command({ type: z.literal('entry.find'), ...searchedField, before: entryIdSchema.optional() }),
  /** XGROUP CREATE: a new group reading from `startId`; a conflict when one of that name exists. */
  command({ type: z.literal('group.create'), group: nameSchema, startId: groupPositionSchema.default('$') }),
  /** XGROUP SETID: moves the group's cursor back (entries are delivered again) or forward (they are skipped). */
  command({ type: z.literal('group.setid'), group: nameSchema, id: groupPositionSchema }),
  /**
   * XGROUP DESTROY, after this server's consumers of the group have stopped (each finishing its batch). A group
   * still holding pending entries is refused unless `discardPending`: they would be forgotten, never acked.
   */
  command({
    type: z.literal('group.delete'),
    group: nameSchema,
    discardPending: z.boolean().default(false),
  }),
]);

export type Command = z.infer<typeof commandSchema>;
export type CommandInput = z.input<typeof commandSchema>;
export type CommandType = Command['type'];
export type CommandOf<T extends CommandType> = Extract<Command, { type: T }>;

/** What a browser sends over the WebSocket: a command with the id its reply will carry. */
export type ClientMessage = { readonly requestId: string } & Command;
