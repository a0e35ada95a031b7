/** Wall-clock milliseconds with sub-millisecond resolution, comparable across threads and processes on one host. */
export function epochNow(): number {
  return performance.timeOrigin + performance.now();
}
