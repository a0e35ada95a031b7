import { monitorEventLoopDelay, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';

/** How much this Node process itself stalled during a measurement: the floor under any latency figure. */
export interface ProcessJitter {
  /** How late a 1 ms timer fired, beyond its interval. */
  readonly loopLateP99Ms: number;
  readonly loopLateMaxMs: number;
  /** Garbage-collection pauses; each one stops every handler in the process. */
  readonly gcPauses: number;
  readonly gcMaxMs: number;
  readonly gcTotalMs: number;
}

const RESOLUTION_MS = 1;

/**
 * Starts watching event-loop lateness and GC pauses; the returned function stops and reports.
 * A tail latency that matches these numbers comes from the process, not from Redis or the library.
 */
export function watchProcessJitter(): () => ProcessJitter {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  let gcPauses = 0;
  let gcMaxMs = 0;
  let gcTotalMs = 0;
  const count = (entries: readonly PerformanceEntry[]) => {
    for (const entry of entries) {
      gcPauses += 1;
      gcTotalMs += entry.duration;
      gcMaxMs = Math.max(gcMaxMs, entry.duration);
    }
  };
  const gc = new PerformanceObserver((list) => count(list.getEntries()));
  loop.enable();
  gc.observe({ entryTypes: ['gc'] });
  return () => {
    loop.disable();
    // Entries are delivered asynchronously; the ones still queued belong to this run too.
    count(gc.takeRecords());
    gc.disconnect();
    // The histogram holds whole intervals (an idle loop reads ~1 ms at 1 ms resolution); keep the lateness.
    const late = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
    return {
      loopLateP99Ms: late(loop.percentile(99)),
      loopLateMaxMs: late(loop.max),
      gcPauses,
      gcMaxMs,
      gcTotalMs,
    };
  };
}
