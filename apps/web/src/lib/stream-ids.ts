/** Orders stream IDs (`<ms>-<seq>`) numerically; string comparison gets `9-0` vs `10-0` wrong. */
export function compareStreamIds(a: string, b: string): number {
  const [aMs = '0', aSeq = '0'] = a.split('-');
  const [bMs = '0', bSeq = '0'] = b.split('-');
  if (aMs.length !== bMs.length) return aMs.length - bMs.length;
  if (aMs !== bMs) return aMs < bMs ? -1 : 1;
  if (aSeq.length !== bSeq.length) return aSeq.length - bSeq.length;
  if (aSeq !== bSeq) return aSeq < bSeq ? -1 : 1;
  return 0;
}

/** The millisecond time an ID (`<ms>-<seq>`) was made at. */
export function idTimeMs(id: string): number {
  const dash = id.indexOf('-');
  return Number(dash === -1 ? id : id.slice(0, dash));
}
