/**
 * Whether a snapshot lists `name` among `names`: `null` when it cannot tell, having left `omitted` others out (the
 * name may be among them).
 */
export function listedIn(name: string, names: readonly string[], omitted: number): boolean | null {
  if (names.includes(name)) return true;
  return omitted > 0 ? null : false;
}

/**
 * Where the thing a form's answer names ("Added worker-e", "Created billing") stands: `listed` by the snapshot;
 * `not yet`, the answer having come before the snapshot that lists it (or the snapshot cannot tell); or `gone`,
 * listed since the answer and no longer, removed from this page or elsewhere. Gone, the answer goes with it: left
 * under the form, it said a consumer or a group was there that no panel showed.
 *
 * @example
 * answerStanding(false, true); // 'gone'
 */
export function answerStanding(
  listedNow: boolean | null,
  listedSince: boolean,
): 'listed' | 'not yet' | 'gone' {
  if (listedNow === true) return 'listed';
  return listedSince && listedNow === false ? 'gone' : 'not yet';
}
