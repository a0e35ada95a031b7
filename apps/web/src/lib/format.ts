const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 });

export function formatCount(value: number): string {
  return integer.format(value);
}

/** A count and its noun, the noun in the singular for one: "1 pending entry", "3 pending entries". */
export function formatCountOf(value: number, one: string, many: string): string {
  return `${integer.format(value)} ${value === 1 ? one : many}`;
}

export function formatRate(perSec: number): string {
  return `${perSec >= 100 ? integer.format(perSec) : decimal.format(perSec)}/s`;
}

/**
 * The first `shown` of a list, and how many more there are: "a, b, c and 4 more". Five IDs in parentheses after
 * "deleted 7" read as if those five were all.
 */
export function formatFirstOf(items: readonly string[], shown: number): string {
  const first = items.slice(0, shown).join(', ');
  const more = items.length - shown;
  return more > 0 ? `${first} and ${integer.format(more)} more` : first;
}

/** Items as a sentence lists them: "a", "a and b", "a, b and c". */
export function formatList(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

/** `null` is what Redis says when it cannot tell (a group's lag, entries-read): never shown as 0. */
export function formatNullable(value: number | null): string {
  return value === null ? 'unknown' : integer.format(value);
}

/** Short human durations for idle times: `850 ms`, `4.2 s`, `3 m 05 s`, `2 h 07 m`. */
export function formatDuration(ms: number): string {
  // Cut down, not rounded, as the minutes and hours are: rounded, 59,960 ms read `60 s` (and 999.6 ms `1000 ms`),
  // a figure no longer in its unit's range, a moment before `1 m 00 s`.
  if (ms < 1000) return `${Math.max(0, Math.floor(ms))} ms`;
  if (ms < 60_000) return `${decimal.format(Math.floor(ms / 100) / 10)} s`;
  const totalSeconds = Math.floor(ms / 1000);
  if (totalSeconds < 3600) {
    return `${Math.floor(totalSeconds / 60)} m ${String(totalSeconds % 60).padStart(2, '0')} s`;
  }
  const totalMinutes = Math.floor(totalSeconds / 60);
  return `${Math.floor(totalMinutes / 60)} h ${String(totalMinutes % 60).padStart(2, '0')} m`;
}

// Built once: `toLocaleTimeString` builds a formatter on every call, and charts format many ticks.
const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** The largest time a Date holds; stream IDs go far beyond (up to 2^64 - 1 ms), and `format` throws there. */
const DATE_MAX_MS = 8.64e15;

/** What a time outside Date's range shows: a foreign producer may write IDs with any millisecond part. */
const OUT_OF_RANGE = 'out of range';

export function formatClock(ms: number): string {
  return Math.abs(ms) <= DATE_MAX_MS ? clock.format(ms) : OUT_OF_RANGE;
}

/** Clock time with milliseconds, for event timelines where several steps share a second. */
export function formatClockMs(ms: number): string {
  if (!(Math.abs(ms) <= DATE_MAX_MS)) return OUT_OF_RANGE;
  return `${clock.format(ms)}.${String(new Date(ms).getMilliseconds()).padStart(3, '0')}`;
}
