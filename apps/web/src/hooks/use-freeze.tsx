import { useCallback, useMemo, useState } from 'react';
import { useHoldWhileFocused } from './use-hold-while-focused';
import { useOnStreamReset } from './use-stream-reset';

/**
 * A live list, newest first, with a toggle button that holds it still: rows arriving thousands a second
 * cannot be clicked otherwise. `label` names the button ("Freeze feed"); `aria-pressed` says whether it holds.
 * Spread `holdWhileFocused` on the list: it also holds still while keyboard focus is inside it.
 */
export function useFreezableNewestFirst<T>(live: readonly T[], label: string) {
  const [frozen, setFrozen] = useState<readonly T[] | null>(null);
  const { value: unfrozen, holdWhileFocused } = useHoldWhileFocused(live);
  const unfreeze = useCallback(() => setFrozen(null), []);
  // A list frozen before a reset held the deleted stream's rows, whose IDs open timelines of nothing.
  useOnStreamReset(unfreeze);
  const items = frozen ?? unfrozen;
  const newestFirst = useMemo(() => [...items].reverse(), [items]);
  // The button's name stays put (it is a toggle, aria-pressed says which way); the word beside it says so
  // to the eye.
  const freezeButton = (
    <>
      {frozen !== null ? <span className="badge badge-warn">frozen</span> : null}
      <button
        type="button"
        className="small"
        aria-pressed={frozen !== null}
        onClick={() => setFrozen(frozen === null ? live : null)}
      >
        {label}
      </button>
    </>
  );
  return { newestFirst, freezeButton, holdWhileFocused, unfreeze, frozen: frozen !== null };
}
