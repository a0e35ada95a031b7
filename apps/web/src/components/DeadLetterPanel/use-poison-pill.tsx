import type { DeadLetterView } from '@streamscope/protocol';
import { useState } from 'react';
import { useCommand } from '../../hooks/use-command';
import { useDashboard } from '../../store/store';
import { ActionFeedback } from '../ActionFeedback/ActionFeedback';
import { EntryId } from '../EntryId/EntryId';
import {
  groupHadPill,
  type PillLanding,
  pillLandings,
  poisonFateNote,
  poisonTrimmedUnread,
} from './poison-fate';

const NO_LETTERS: readonly DeadLetterView[] = [];
const NO_LANDINGS: readonly PillLanding[] = [];

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
  // Latched too: the groups it landed from stay named after their letters scroll on, or are requeued or discarded.
  const letters = useDashboard((state) => state.snapshot?.dlq.newest ?? NO_LETTERS);
  const [kept, setKept] = useState<{ id: string | null; landings: readonly PillLanding[] }>({
    id: null,
    landings: NO_LANDINGS,
  });
  const before = kept.id === injected ? kept.landings : NO_LANDINGS;
  const landings = injected === null ? NO_LANDINGS : pillLandings(injected, letters, before);
  if (landings !== before) setKept({ id: injected, landings });
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
          Injected <EntryId id={injected} />: {poisonFateNote(injectedLost, landings)}
        </>
      )}
    </ActionFeedback>
  );
  return { button, note };
}
