import { useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { EntryId } from '../EntryId/EntryId';
import { groupHadPill, poisonFateNote, poisonTrimmedUnread } from './poison-fate';

/**
 * The poison-pill injector, to watch an entry reach the dead-letter stream: its button, for the panel's actions, and
 * what became of the pill injected last, for the panel's body.
 */
export function usePoisonPill() {
  const inject = useCommand<'poison.inject'>();
  const injected = inject.result?.ids[0] ?? null;
  // Latched: once a group has had the pill it is no longer lost, however far the events about it scroll away.
  const [pillHadBy, setPillHadBy] = useState<string | null>(null);
  const hadNow = useDashboard((state) => injected !== null && groupHadPill(injected, state.troubleFeed));
  if (hadNow && injected !== null && pillHadBy !== injected) setPillHadBy(injected);
  const injectedLost = useDashboard(
    (state) =>
      injected !== null &&
      state.snapshot !== null &&
      poisonTrimmedUnread(injected, state.snapshot.stream.firstEntryId, hadNow || pillHadBy === injected),
  );

  const button = (
    <button
      type="button"
      className="small danger"
      onClick={() => void inject.run({ type: 'poison.inject', count: 1 })}
    >
      Inject poison pill
    </button>
  );
  const note = (
    <ActionFeedback error={inject.error} at={inject.answeredAt}>
      {injected === null ? null : (
        <>
          Injected <EntryId id={injected} />: {poisonFateNote(injectedLost)}
        </>
      )}
    </ActionFeedback>
  );
  return { button, note };
}
