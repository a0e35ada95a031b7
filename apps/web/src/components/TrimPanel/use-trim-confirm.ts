import { useRef } from 'react';
import { summariseTrimPreview } from '../../lib/trim-preview';
import { CommandError } from '../../socket/command-error';
import { issueCommand } from '../../socket/socket-client';
import { isPreviewable, type PreviewBasis, planPreview } from './preview-plan';
import { trimAction, trimLossQuestion, uncheckedTrimQuestion } from './trim-loss';

/**
 * Whether to go on with a trim: it asks the server what exactly the trim would take now, and when that is entries
 * a group has not finished with, the user is asked. The preview on screen is not enough: it is up to a second
 * behind the stream, and a second behind what was typed (a MAXLEN typed and applied at once deleted 20 entries
 * a new group had not read, with no preview yet to warn of it). One function for the panel's three forms.
 */
export function useTrimConfirm(exact: boolean) {
  // A trim whose preview is being asked for before it goes: a second click meanwhile is ignored (a double click
  // asked twice, and trimmed twice). Not a disabled button: focus would leave it.
  const checking = useRef(false);
  return async (basis: PreviewBasis, text: string): Promise<boolean> => {
    if (checking.current) return false;
    // What the server will refuse anyway (the browser's own check lets it through in some cases) is not asked about.
    if (!isPreviewable(text)) return true;
    const action = trimAction(basis, text, exact ? '=' : '~');
    let summary: ReturnType<typeof summariseTrimPreview>;
    checking.current = true;
    try {
      summary = summariseTrimPreview(
        await issueCommand(planPreview(basis, text).command, { quiet: true }).result,
      );
    } catch (error) {
      // A value the server refuses is refused again by the trim, which names its field by its label: asking
      // "anyway?" about it named the argument ("olderThanMs must be at most …") and offered what cannot be done.
      if (error instanceof CommandError && error.code === 'bad_request') return true;
      const message = error instanceof Error ? error.message : String(error);
      return window.confirm(uncheckedTrimQuestion(action, message));
    } finally {
      checking.current = false;
    }
    if (!summary.unsafe) return true;
    return window.confirm(trimLossQuestion(action, summary.text, !(exact || basis === 'policy')));
  };
}
