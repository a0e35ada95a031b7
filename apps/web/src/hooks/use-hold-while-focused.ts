import { type FocusEvent, useState } from 'react';

/** A value held still, and what holds it: keyboard focus inside the element, the pointer over it, or both. */
export interface Hold<T> {
  value: T;
  focused: boolean;
  pointed: boolean;
}

/**
 * The hold once focus or the pointer came or went: the first of them to arrive holds `live` as it is then, the
 * other arriving or leaving keeps what is held, and the hold ends (`null`) once neither is left.
 */
export function nextHold<T>(
  current: Hold<T> | null,
  live: T,
  change: Partial<Pick<Hold<T>, 'focused' | 'pointed'>>,
): Hold<T> | null {
  const next = { ...(current ?? { value: live, focused: false, pointed: false }), ...change };
  return next.focused || next.pointed ? next : null;
}

/**
 * A live value that holds still while keyboard focus is inside the element given `holdWhileFocused`: rows
 * replaced under the focused one (thousands a second with the producer on) would take it out of the page and
 * drop focus to `<body>`, so Tab could never get past the list. Leaving the list lets it follow `live` again.
 * With `whilePointedAt`, it also holds while the pointer is over the element: a table re-sorted by a live figure
 * at every snapshot moved another row's button under a resting cursor, and a click hit the wrong consumer.
 */
export function useHoldWhileFocused<T>(live: T, { whilePointedAt = false } = {}) {
  // Boxed, so a held `null` or empty value still counts as held.
  const [held, setHeld] = useState<Hold<T> | null>(null);
  const change = (patch: Partial<Pick<Hold<T>, 'focused' | 'pointed'>>) =>
    setHeld((current) => nextHold(current, live, patch));
  const holdWhileFocused = {
    onFocus: () => change({ focused: true }),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) change({ focused: false });
    },
    ...(whilePointedAt
      ? { onPointerEnter: () => change({ pointed: true }), onPointerLeave: () => change({ pointed: false }) }
      : {}),
  };
  // `held` says what holds it, for a list to show that it does: held rows' figures stop changing.
  return { value: held === null ? live : held.value, holdWhileFocused, held };
}
