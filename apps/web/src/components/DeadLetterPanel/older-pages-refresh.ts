import { LIMITS } from '@streamscope/protocol';
import { compareStreamIds } from '../../lib/stream-ids';

/**
 * The most older letters the panel follows: new letters pushing the live list's end back add to what the older pages
 * show (nothing a person paged to is taken away), up to this many or as many as were loaded, past which the oldest
 * go.
 */
export const OLDER_FOLLOWED_MAX = 2_000;

export interface OlderPagesRefreshOptions<T> {
  /** The oldest letter the older pages show now; with none loaded (`undefined`) there is nothing to refresh. */
  oldest: () => string | undefined;
  /**
   * Asks for the letters older than `before` down to `through` (newest first, `through` included while it is there),
   * at most OLDER_FOLLOWED_MAX: see {@link fetchInRequests}.
   */
  fetch: (before: string, through: string) => Promise<readonly T[]>;
  /** Shows an answer; called only while the live list still ends where the answer begins. */
  apply: (entries: readonly T[]) => void;
}

export interface OlderPagesRefresh {
  /** The live list now ends at `before` (`undefined` when it is empty): the older pages should begin there. */
  follow(before: string | undefined): void;
}

/**
 * Keeps the dead-letter panel's older pages (loaded on request) beginning where the live list of newest letters ends,
 * so no letter falls between the two, and ending where they ended, at the oldest letter shown: new letters push the
 * live list's end back, and the letters it leaves join the older pages rather than push the oldest off. One request
 * is out at a time: a poison storm moves that end every snapshot, and a request per snapshot would pile up. When the
 * answer comes back, the end as it is by then gets the next request; an answer for an end that has moved since, or
 * down to a letter no longer the oldest shown (another page was loaded meanwhile, or that letter went), is dropped
 * and asked again. A failed request is not retried until the end moves.
 *
 * @example
 * const refresh = olderPagesRefresh({ oldest: () => older.at(-1)?.id, fetch: listDownTo, apply: setOlder });
 * refresh.follow(newest.at(-1)?.id); // on every snapshot
 */
export function olderPagesRefresh<T>({
  oldest,
  fetch,
  apply,
}: OlderPagesRefreshOptions<T>): OlderPagesRefresh {
  let wanted: string | undefined;
  let inFlight = false;
  const refresh = (): void => {
    const before = wanted;
    const through = oldest();
    if (inFlight || before === undefined || through === undefined) return;
    inFlight = true;
    const stale = () => wanted !== before || oldest() !== through;
    fetch(before, through)
      .then(
        (entries) => {
          if (!stale()) apply(entries);
        },
        () => {},
      )
      .finally(() => {
        inFlight = false;
        if (stale()) refresh();
      });
  };
  return {
    follow(before) {
      wanted = before;
      refresh();
    },
  };
}

/** One `dlq.list` answer: letters newest first, and the first it left out to keep its answer small, if any. */
export interface ListedPage<T> {
  readonly entries: readonly T[];
  readonly stoppedBefore: string | null;
}

/**
 * Fetches the letters older than `before` down to `through` (included, while it is there), at most `max`, in as
 * many requests as it takes, one after the other, each starting where the last ended: at most
 * {@link LIMITS}.dlqListMax each, and fewer when the server stopped one short at about 4 MB of letter data
 * (`stoppedBefore`), so more than 500 older letters, or many large ones, can be shown and followed. Only a short
 * answer the server did not stop means the oldest letter was reached.
 */
export async function fetchInRequests<T extends { id: string }>(
  listBefore: (before: string, count: number) => Promise<ListedPage<T>>,
  before: string,
  { through, max }: { through: string; max: number },
): Promise<T[]> {
  const letters: T[] = [];
  let from = before;
  while (letters.length < max) {
    const asked = Math.min(max - letters.length, LIMITS.dlqListMax);
    const { entries, stoppedBefore } = await listBefore(from, asked);
    const kept = entries.filter((letter) => compareStreamIds(letter.id, through) >= 0);
    letters.push(...kept);
    const last = entries.at(-1);
    if (kept.length < entries.length || last === undefined) break;
    if (entries.length < asked && stoppedBefore === null) break;
    from = last.id;
  }
  return letters;
}
