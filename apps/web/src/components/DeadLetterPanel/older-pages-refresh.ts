import { LIMITS } from '@streamscope/protocol';

export interface OlderPagesRefreshOptions<T> {
  /** How many older letters the panel shows now; with none loaded there is nothing to refresh. */
  loaded: () => number;
  /** Asks for the `count` letters older than `before` (newest first); see {@link fetchInRequests} past 500. */
  fetch: (before: string, count: number) => Promise<readonly T[]>;
  /** Shows an answer; called only while the live list still ends where the answer begins. */
  apply: (entries: readonly T[]) => void;
}

export interface OlderPagesRefresh {
  /** The live list now ends at `before` (`undefined` when it is empty): the older pages should begin there. */
  follow(before: string | undefined): void;
}

/**
 * Keeps the dead-letter panel's older pages (loaded on request) beginning where the live list of newest letters ends,
 * so no letter falls between the two, with one request out at a time: a poison storm moves that end every snapshot,
 * and a request per snapshot would pile up. When the answer comes back, the end as it is by then gets the next
 * request; an answer for an end that has moved since, or for a number of letters no longer shown (another page was
 * loaded meanwhile), is dropped and asked again. A failed request is not retried until the end moves.
 *
 * @example
 * const refresh = olderPagesRefresh({ loaded: () => older.length, fetch: listBefore, apply: setOlder });
 * refresh.follow(newest.at(-1)?.id); // on every snapshot
 */
export function olderPagesRefresh<T>({
  loaded,
  fetch,
  apply,
}: OlderPagesRefreshOptions<T>): OlderPagesRefresh {
  let wanted: string | undefined;
  let inFlight = false;
  const wantedCount = () => loaded();
  const refresh = (): void => {
    const before = wanted;
    const count = wantedCount();
    if (inFlight || before === undefined || count === 0) return;
    inFlight = true;
    // An answer is stale when the live list's end moved, or when the pages shown changed size meanwhile (the
    // user loaded another page: applying it would take that page away again).
    const stale = () => wanted !== before || wantedCount() !== count;
    fetch(before, count)
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
 * Fetches `count` letters older than `before` in as many requests as it takes, one after the other, each starting
 * where the last ended: at most {@link LIMITS}.dlqListMax each, and fewer when the server stopped one short at about
 * 4 MB of letter data (`stoppedBefore`), so more than 500 older letters, or many large ones, can be shown and
 * followed. Only a short answer the server did not stop means the oldest letter was reached.
 */
export async function fetchInRequests<T extends { id: string }>(
  listBefore: (before: string, count: number) => Promise<ListedPage<T>>,
  before: string,
  count: number,
): Promise<T[]> {
  const letters: T[] = [];
  let from = before;
  while (letters.length < count) {
    const asked = Math.min(count - letters.length, LIMITS.dlqListMax);
    const { entries, stoppedBefore } = await listBefore(from, asked);
    letters.push(...entries);
    const last = entries.at(-1);
    if ((entries.length < asked && stoppedBefore === null) || last === undefined) break;
    from = last.id;
  }
  return letters;
}
