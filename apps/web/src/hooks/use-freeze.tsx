import { useMemo, useState } from 'react';

/**
 * A live list, newest first, with a toggle button that holds it still: rows arriving thousands a second
 * cannot be clicked otherwise. `label` names the button ("Freeze feed"); `aria-pressed` says whether it holds.
 */
export function useFreezableNewestFirst<T>(live: readonly T[], label: string) {
  const [frozen, setFrozen] = useState<readonly T[] | null>(null);
  const items = frozen ?? live;
  const newestFirst = useMemo(() => [...items].reverse(), [items]);
  const freezeButton = (
    <button
      type="button"
      className="small"
      aria-pressed={frozen !== null}
      onClick={() => setFrozen(frozen === null ? live : null)}
    >
      {label}
    </button>
  );
  return { newestFirst, freezeButton };
}
