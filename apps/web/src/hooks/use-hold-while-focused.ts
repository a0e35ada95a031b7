import { type FocusEvent, useState } from 'react';

/**
 * A live value that holds still while keyboard focus is inside the element given `holdWhileFocused`: rows
 * replaced under the focused one (thousands a second with the producer on) would take it out of the page and
 * drop focus to `<body>`, so Tab could never get past the list. Leaving the list lets it follow `live` again.
 */
export function useHoldWhileFocused<T>(live: T) {
  // Boxed, so a held `null` or empty value still counts as held.
  const [held, setHeld] = useState<{ value: T } | null>(null);
  const holdWhileFocused = {
    onFocus: () => setHeld((current) => current ?? { value: live }),
    onBlur: (event: FocusEvent<HTMLElement>) => {
      if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setHeld(null);
    },
  };
  return { value: held === null ? live : held.value, holdWhileFocused };
}
