import type { CommandInput } from '@streamscope/protocol';
import { formatCount, formatDuration } from '../../lib/format';
import { parseNumberInput } from '../../lib/parse-number';

/** What a preview is about: the MAXLEN trim, the trim by age, or the standing policy (by age, too). */
export type PreviewBasis = 'maxlen' | 'age' | 'policy';

/** The labels of the two fields that take an age: the trim's and the standing policy's. */
export const AGE_LABEL = 'Older than (ms)';
export const POLICY_LABEL = 'Keep at most (ms)';

/**
 * The label of the field a preview's `argument` was typed in, when the preview is of `basis`: a refused value is
 * named by it, as the trim's own refusal names it, not by the command's argument (`olderThanMs`).
 */
export function previewFieldLabel(argument: string, basis: PreviewBasis): string | null {
  if (argument === 'maxlen') return 'MAXLEN';
  if (argument === 'olderThanMs') return basis === 'policy' ? POLICY_LABEL : AGE_LABEL;
  return null;
}
type PreviewCommand = Extract<CommandInput, { type: 'trim.preview' }>;

export interface PlannedPreview {
  command: PreviewCommand;
  /** What is previewed, in words: `MAXLEN 100`, `older than 1 m 00 s`. */
  label: string;
}

/**
 * The preview to ask for about the number typed in one of the three fields, and what to call it.
 * @example planPreview('maxlen', '100') // { command: { type: 'trim.preview', maxlen: 100 }, label: 'MAXLEN 100' }
 */
export function planPreview(basis: PreviewBasis, text: string): PlannedPreview {
  const value = parseNumberInput(text);
  if (basis === 'maxlen') {
    return { command: { type: 'trim.preview', maxlen: value }, label: `MAXLEN ${formatCount(value)}` };
  }
  // "a policy keeping": a preview of the policy typed, not of the one running (which the line under it names).
  const label = `${basis === 'policy' ? 'a policy keeping at most' : 'older than'} ${formatDuration(value)}`;
  return { command: { type: 'trim.preview', olderThanMs: value }, label };
}

/** Only whole, non-negative numbers are previewed as the user types; the button sends anything, to show why not. */
export function isPreviewable(text: string): boolean {
  const value = parseNumberInput(text);
  return Number.isInteger(value) && value >= 0;
}

const BASIS_HINT: Record<PreviewBasis, (operator: string) => string> = {
  maxlen: (operator) => `MAXLEN ${operator}`,
  age: () => 'trim by age',
  // As typed, whether a policy is on or not: "the standing policy" read as a warning about one that was not.
  policy: () => 'a standing policy of the age typed below',
};

/** What the Preview button asks about, for the hint beside it: "what {hint} would take from each group". */
export function basisHint(basis: PreviewBasis, operator: string): string {
  return BASIS_HINT[basis](operator);
}
