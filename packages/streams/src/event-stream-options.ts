import type { Redis } from 'ioredis';
import { assertInteger, optionNames } from './arguments.js';

export interface EventStreamOptions {
  /** An ioredis connection (shared, not closed by `close()`) or a `redis://` URL (owned and closed). */
  readonly connection: Redis | string;
  readonly streamKey: string;
  /**
   * `XADD MAXLEN ~ n` cap on every append, 2000 by default: older entries go whether or not every group has
   * read them. `null` appends uncapped (trim with `trimMaxlen`/`trimMinid`).
   */
  readonly maxlenApprox?: number | null;
  /** How long an entry must sit idle in a PEL before `autoclaim` may take it; 5000 ms by default. */
  readonly claimMinIdleMs?: number;
}

export const EVENT_STREAM_OPTIONS = optionNames<EventStreamOptions>({
  connection: true,
  streamKey: true,
  maxlenApprox: true,
  claimMinIdleMs: true,
});

export const EVENT_STREAM_DEFAULTS = {
  maxlenApprox: 2000,
  claimMinIdleMs: 5000,
} as const;

/** The retention and claim settings with their defaults, checked: what `EventStream` runs with. */
export function resolveStreamSettings(options: Pick<EventStreamOptions, 'maxlenApprox' | 'claimMinIdleMs'>): {
  maxlenApprox: number | null;
  claimMinIdleMs: number;
} {
  const maxlenApprox =
    options.maxlenApprox === undefined ? EVENT_STREAM_DEFAULTS.maxlenApprox : options.maxlenApprox;
  if (maxlenApprox !== null) assertInteger(maxlenApprox, 'maxlenApprox', 1);
  const claimMinIdleMs = options.claimMinIdleMs ?? EVENT_STREAM_DEFAULTS.claimMinIdleMs;
  assertInteger(claimMinIdleMs, 'claimMinIdleMs', 0);
  return { maxlenApprox, claimMinIdleMs };
}
