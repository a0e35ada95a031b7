import type { Redis } from 'ioredis';

export interface EventStreamOptions {
  /** An ioredis connection (shared, not closed by `close()`) or a `redis://` URL (owned and closed). */
  readonly connection: Redis | string;
  readonly streamKey: string;
  /** `XADD MAXLEN ~ n` cap on every append; `null` appends uncapped (trim with `trimMaxlen`/`trimMinid`). */
  readonly maxlenApprox?: number | null;
  /** How long an entry must sit idle in a PEL before `autoclaim` may take it. */
  readonly claimMinIdleMs?: number;
}

export const EVENT_STREAM_DEFAULTS = {
  maxlenApprox: 2000,
  claimMinIdleMs: 5000,
} as const;
