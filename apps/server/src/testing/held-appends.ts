import type { EventStream } from '@streamscope/streams';

/** Appends held in flight by {@link holdAppends}. */
export interface HeldAppends {
  /** How many produceBatch calls are being held. */
  held(): number;
  /** Lets every held call, and every later one, through. */
  release(): void;
  /** Releases them and gives the stream its own produceBatch back: for a `finally`. */
  restore(): void;
}

/**
 * Holds every `produceBatch` on `stream` until released, so a test can keep commands running for as long
 * as it needs to see what the server does with the next one.
 */
export function holdAppends(stream: EventStream): HeldAppends {
  const produceBatch = stream.produceBatch.bind(stream);
  let held = 0;
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  stream.produceBatch = async (events) => {
    held += 1;
    await released;
    return produceBatch(events);
  };
  return {
    held: () => held,
    release,
    restore: () => {
      release();
      stream.produceBatch = produceBatch;
    },
  };
}
