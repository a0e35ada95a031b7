import type { PreviewBasis } from './preview-plan';

/**
 * What a trim does to entries a group has not finished with, in Redis's terms: XTRIM leaves a pending ID in its
 * consumer's PEL without its payload, which a claim then reports deleted; an unread one is simply gone.
 */
export const TRIM_LOSS =
  'Pending ones would lose their payload (their IDs stay pending, and a claim finds them deleted and dead-letters them as trimmed); unread ones would never be delivered.';

/**
 * The trim a confirmation asks about, as the user typed it.
 * @example trimAction('maxlen', ' 100', '~') // 'XTRIM MAXLEN ~ 100'
 */
export function trimAction(basis: PreviewBasis, text: string, operator: string): string {
  if (basis === 'maxlen') return `XTRIM MAXLEN ${operator} ${text.trim()}`;
  if (basis === 'age') return `Trim entries older than ${text.trim()} ms`;
  return `Keep at most ${text.trim()} ms`;
}

/** What the user is asked when what a trim would take could not be checked (refused, Redis away, offline). */
export function uncheckedTrimQuestion(action: string, message: string): string {
  return `${action}: what it would take could not be checked (${message}).\n\n${action} anyway?`;
}

/**
 * What the user is asked before a trim that takes entries a group has not finished with: what it would take
 * (`summary`), and that with `~` (`approximate`) Redis may remove fewer than counted.
 */
export function trimLossQuestion(action: string, summary: string, approximate: boolean): string {
  return [
    `${action}: ${summary}${approximate ? ' (with ~, Redis may remove fewer)' : ''}.`,
    TRIM_LOSS,
    `${action} anyway?`,
  ].join('\n\n');
}
