import type { CommandResults } from '@streamscope/protocol';
import type { EventStream } from '@streamscope/streams';

/** The most entries one `entry.find` reads, over several scripts: each reads up to 500, holding Redis about 3 ms. */
export const ENTRY_SEARCH_READ_MAX = 20_000;
/** The matches one answer carries at most. */
const MATCHES_MAX = 20;

/**
 * The entries holding `value` in `field`, newest first, from `before` on: script after script (each a bounded
 * `findByField`, other commands running between them) until {@link MATCHES_MAX} are found, the stream's oldest entry
 * is reached, or {@link ENTRY_SEARCH_READ_MAX} entries were read. A value found nowhere in a long stream answers
 * once, with where to search on from, rather than page by page of nothing.
 */
export async function findEntries(
  stream: EventStream,
  field: string,
  value: string,
  before?: string,
): Promise<CommandResults['entry.find']> {
  const matches: CommandResults['entry.find']['matches'] = [];
  let read = 0;
  let from = before;
  for (;;) {
    const found = await stream.findByField(field, value, {
      ...(from === undefined ? {} : { before: from }),
      max: MATCHES_MAX - matches.length,
    });
    matches.push(...found.matches);
    read += found.read;
    from = found.stoppedAt ?? undefined;
    if (matches.length >= MATCHES_MAX || from === undefined || read >= ENTRY_SEARCH_READ_MAX)
      return { field, value, matches, read, stoppedAt: from ?? null };
  }
}
