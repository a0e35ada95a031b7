/** A bound a figure should meet: at least (throughput, ratios) or at most (latencies). */
export interface Target {
  readonly atLeast?: number;
  readonly atMost?: number;
}

/** One measured number, as one row of the report. */
export interface Figure {
  readonly label: string;
  readonly value: number;
  readonly unit: string;
  readonly target?: Target;
  /** How it was measured, when the label alone does not say. */
  readonly note?: string;
}

/** The figures of one benchmark, or why it could not produce them. */
export interface Section {
  readonly title: string;
  readonly figures: readonly Figure[];
  readonly error?: string;
}

export type Verdict = 'PASS' | 'MISS' | '';

/** Nearest-rank percentile of an ascending array (`p` in 0..100); NaN when it is empty. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] ?? Number.NaN;
}

/** The item whose `value` is the median of an odd-length list: the middle run, with its other figures. */
export function medianBy<T>(items: readonly T[], value: (item: T) => number): T {
  const sorted = [...items].sort((a, b) => value(a) - value(b));
  const middle = sorted[Math.floor(sorted.length / 2)];
  if (middle === undefined) throw new Error('medianBy needs at least one item');
  return middle;
}

/** Events per second of `events` in `ms` milliseconds. */
export function perSecond(events: number, ms: number): number {
  return ms > 0 ? (events * 1000) / ms : Number.NaN;
}

export function verdict(figure: Figure): Verdict {
  const { target, value } = figure;
  if (!target) return '';
  if (Number.isNaN(value)) return 'MISS';
  if (target.atLeast !== undefined && value < target.atLeast) return 'MISS';
  if (target.atMost !== undefined && value > target.atMost) return 'MISS';
  return 'PASS';
}

/** The whole report as a plain-text table, one block per section. */
export function formatReport(sections: readonly Section[]): string {
  const rows = sections.flatMap((section) => section.figures);
  const labelWidth = Math.max(30, ...rows.map((figure) => figure.label.length));
  const valueWidth = Math.max(10, ...rows.map((figure) => formatValue(figure.value).length));
  const unitWidth = Math.max(8, ...rows.map((figure) => figure.unit.length));
  const targetWidth = Math.max(8, ...rows.map((figure) => formatTarget(figure.target).length));
  const header = [
    'figure'.padEnd(labelWidth),
    'value'.padStart(valueWidth),
    'unit'.padEnd(unitWidth),
    'target'.padEnd(targetWidth),
    'result',
  ].join('  ');
  const lines = [header, '-'.repeat(header.length + 2)];
  for (const section of sections) {
    lines.push('', section.title);
    if (section.error) lines.push(`  ERROR: ${section.error}`);
    for (const figure of section.figures) {
      const row = [
        `  ${figure.label}`.padEnd(labelWidth),
        formatValue(figure.value).padStart(valueWidth),
        figure.unit.padEnd(unitWidth),
        formatTarget(figure.target).padEnd(targetWidth),
        verdict(figure),
      ].join('  ');
      lines.push(row.trimEnd());
      if (figure.note) lines.push(`    ${figure.note}`);
    }
  }
  return lines.join('\n');
}

/** Counts of PASS and MISS over every figure that has a target. */
export function tally(sections: readonly Section[]): { pass: number; miss: number; errors: number } {
  const verdicts = sections.flatMap((section) => section.figures.map(verdict));
  return {
    pass: verdicts.filter((v) => v === 'PASS').length,
    miss: verdicts.filter((v) => v === 'MISS').length,
    errors: sections.filter((section) => section.error).length,
  };
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  // Rates read best as whole numbers with separators; milliseconds and ratios need their decimals.
  if (Math.abs(value) >= 1000) return Math.round(value).toLocaleString('en-US');
  if (Math.abs(value) >= 100) return value.toFixed(1);
  return value.toFixed(3);
}

function formatTarget(target: Target | undefined): string {
  if (!target) return '';
  const parts: string[] = [];
  if (target.atLeast !== undefined) parts.push(`>= ${formatValue(target.atLeast)}`);
  if (target.atMost !== undefined) parts.push(`<= ${formatValue(target.atMost)}`);
  return parts.join(', ');
}

/**
 * Measures two things back to back `rounds` times, in alternating order so a steady drift favours neither.
 * On a shared VM the machine's speed drifts within seconds; a ratio taken within each round, then the
 * median of those, compares the two things rather than two moments.
 */
export async function pairedRounds<T>(
  rounds: number,
  measure: { readonly base: () => Promise<T>; readonly other: () => Promise<T> },
): Promise<{ base: T; other: T }[]> {
  const pairs: { base: T; other: T }[] = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      const base = await measure.base();
      pairs.push({ base, other: await measure.other() });
    } else {
      const other = await measure.other();
      pairs.push({ base: await measure.base(), other });
    }
  }
  return pairs;
}

/** The round with the median ratio, and every round's ratio in order, for the report's note. */
export function medianRound<T>(
  pairs: readonly T[],
  ratio: (pair: T) => number,
): { median: T; ratio: number; spread: string } {
  const median = medianBy(pairs, ratio);
  const spread = pairs
    .map(ratio)
    .sort((a, b) => a - b)
    .map((value) => value.toFixed(2))
    .join(' ');
  return { median, ratio: ratio(median), spread: `rounds' ratios ${spread}` };
}
