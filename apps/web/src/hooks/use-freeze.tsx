import { type FocusEvent, useMemo, useState } from 'react';

/**
 * A live list, newest first, with a toggle button that holds it still: rows arriving thousands a second
 * cannot be clicked otherwise. `label` names the button ("Freeze feed"); `aria-pressed` says whether it holds.
 * Spread `holdWhileFocused` on the list: it also holds still while keyboard focus is inside it.
 */
export function useFreezableNewestFirst<T>(live: readonly T[], label: string) {
  const [frozen, setFrozen] = useState<readonly T[] | null>(null);
  // Held while keyboard focus is inside the list: rows replaced under it would throw focus back to the top.
  const [held, setHeld] = useState<readonly T[] | null>(null);
  const items = frozen ?? held ?? live;
  const holdWhileFocused = {
    onFocus: () => setHeld((current) => current ?? live),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setHeld(null);
    },
  };
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
  return { newestFirst, freezeButton, holdWhileFocused };
}
