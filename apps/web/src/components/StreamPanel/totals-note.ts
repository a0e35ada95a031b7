/**
 * What the stream panel's totals count, under them: Acked counts an entry once in every group, so with two groups it
 * reached twice Produced (67,577 acked of 33,791 produced), which read as acks of entries never produced.
 */
export function totalsNote(groups: number): string {
  // After a restart with --no-reset, Acked 3 beside Produced 0: acks of entries an earlier run produced.
  const since =
    'Counted by this server since it started or was reset; acks of entries produced before then count too.';
  if (groups === 0) return since;
  const reach = groups === 1 ? 'Produced' : `${groups} × Produced`;
  // Not always reached: entries trimmed before a group read them are never acked by it (a 10,000/s run left
  // 10,683 acked of 687,956 produced), and those dead-lettered are not acked either.
  return `${since} Acked, Claimed and Dead-lettered add up every group's own (${groups === 1 ? 'one group' : `${groups} groups`} here): Acked reaches ${reach} once each group acked every entry; what a group lost to trimming or dead-lettered, it never acks.`;
}
