/**
 * What becomes of the once-per-ID guards' marks, said once per run of failures and once when they land again, not
 * per entry, and counted per group for the snapshot's alert: a ZADD refused (Redis out of memory, away) leaves the
 * entries handled meanwhile unrecognised should they come again (a group moved back, a requeued copy), to be
 * handled a second time, and nothing else tells.
 */
export class GuardMarks {
  readonly #report: (line: string) => void;
  /** Per group failing: since when, and how many batches of marks were lost. */
  readonly #failing = new Map<string, { since: number; batches: number }>();
  /** Per group, how many times it was forgotten: a batch sent before then tells nothing of the guard now. */
  readonly #forgotten = new Map<string, number>();

  constructor(report: (line: string) => void) {
    this.#report = report;
  }

  /** Follows one batch of marks of `group` (guard key `key`): each batch shares one promise. */
  follow(group: string, key: string, marked: Promise<void>): void {
    const generation = this.#forgotten.get(group) ?? 0;
    const current = () => (this.#forgotten.get(group) ?? 0) === generation;
    marked.then(
      () => current() && this.#landed(group, key),
      (error: unknown) => current() && this.#failed(group, key, error),
    );
  }

  /** Batches of `group`'s marks lost since its marks last landed; 0 while they land. */
  lostBatches(group: string): number {
    return this.#failing.get(group)?.batches ?? 0;
  }

  /** The group is gone, or its guard emptied: the entries whose marks were lost can no longer come again to it. */
  forget(group: string): void {
    this.#failing.delete(group);
    this.#forgotten.set(group, (this.#forgotten.get(group) ?? 0) + 1);
  }

  #failed(group: string, key: string, error: unknown): void {
    const failing = this.#failing.get(group);
    if (failing !== undefined) {
      failing.batches += 1;
      return;
    }
    this.#failing.set(group, { since: Date.now(), batches: 1 });
    const message = error instanceof Error ? error.message : String(error);
    this.#report(
      `group ${group}'s once-per-ID guard (${key}) could not record the entries handled (${message}): should they come again (a group moved back, a requeued copy) they are handled again, not counted as duplicates; said here once marks land again`,
    );
  }

  #landed(group: string, key: string): void {
    const failing = this.#failing.get(group);
    if (failing === undefined) return;
    this.#failing.delete(group);
    const seconds = ((Date.now() - failing.since) / 1000).toFixed(1);
    this.#report(
      `group ${group}'s once-per-ID guard (${key}) records again, after ${seconds} s in which ${failing.batches} batch(es) of marks were lost`,
    );
  }
}
