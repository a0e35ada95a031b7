import { useState } from 'react';
import { useDashboard } from '../../store/store';
import {
  type ConsumerLayout,
  LAYOUT_STORAGE_KEY,
  parseLayoutChoices,
  serializeLayoutChoices,
  shownLayout,
} from './consumer-layout';

/** localStorage, or nothing where it is refused (a sandboxed frame, storage turned off): the switch still works. */
function readChoices() {
  try {
    return parseLayoutChoices(window.localStorage.getItem(LAYOUT_STORAGE_KEY));
  } catch {
    return parseLayoutChoices(null);
  }
}

function storeChoice(group: string, layout: ConsumerLayout) {
  try {
    // Read again: another group (or another tab) may have stored its own choice since this page loaded.
    window.localStorage.setItem(LAYOUT_STORAGE_KEY, serializeLayoutChoices(readChoices(), group, layout));
  } catch {
    // Remembered for this page only.
  }
}

/**
 * A group's Compact switch: cards or a table, by the user's choice for this group (kept in localStorage, so a
 * reload or the next visit shows the same) or, until they make one, by how many consumers it has: a table past
 * 8, and from then on while the page is open (see {@link shownLayout}).
 */
export function useConsumerLayout(group: string, consumers: number) {
  const [choice, setChoice] = useState<ConsumerLayout | undefined>(() => readChoices().get(group));
  // The stream (by its reset count) in which this page showed the table by itself: it stays a table until the
  // user switches, or a reset re-seeds the group (two consumers show as cards again).
  const epoch = useDashboard((state) => state.streamEpoch);
  const [compactIn, setCompactIn] = useState<number | null>(null);
  const layout = shownLayout(choice, consumers, compactIn === epoch);
  if (choice === undefined && layout === 'compact' && compactIn !== epoch) setCompactIn(epoch);
  const control = (
    <label
      className="checkbox layout-switch"
      title={
        choice === undefined
          ? `One row per consumer, without recent deliveries; on by itself past 8 consumers until switched`
          : 'One row per consumer, without recent deliveries'
      }
    >
      <input
        type="checkbox"
        checked={layout === 'compact'}
        onChange={(event) => {
          const next: ConsumerLayout = event.target.checked ? 'compact' : 'cards';
          setChoice(next);
          storeChoice(group, next);
        }}
      />
      Compact<span className="sr-only"> view of {group}</span>
    </label>
  );
  return { layout, control };
}
