/**
 * Collects items and hands them over together once per animation frame, so that however many live
 * messages arrive between two frames the page renders once for all of them. A hidden tab gets no frames;
 * `maxDelayMs` drains the batch there as well, so it never grows without bound.
 */
export function frameBatch<T>(apply: (items: T[]) => void, maxDelayMs = 250) {
  let items: T[] = [];
  let frame: number | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const flush = () => {
    if (frame !== undefined) cancelAnimationFrame(frame);
    if (timer !== undefined) clearTimeout(timer);
    frame = undefined;
    timer = undefined;
    if (items.length === 0) return;
    const batch = items;
    items = [];
    apply(batch);
  };

  const push = (item: T) => {
    items.push(item);
    if (timer !== undefined) return;
    timer = setTimeout(flush, maxDelayMs);
    if (typeof requestAnimationFrame === 'function') frame = requestAnimationFrame(flush);
  };

  return { push, flush };
}
