import type { MouseEvent } from 'react';
import './SkipLinks.css';

/** The page's areas a keyboard user may want next, by the `id` each has in `App`. */
const TARGETS = [
  ['groups', 'Consumer groups'],
  ['pending', 'Pending entries'],
  ['dead-letters', 'Dead letters'],
  ['charts', 'Charts'],
  ['replay', 'Replay'],
  ['live-events', 'Live events'],
] as const;

/**
 * Takes focus to the area's first heading, which says where it landed: followed as a plain link, focus stayed on the
 * page's body, and a screen reader said nothing (the next Tab did go on from there).
 */
function focusArea(event: MouseEvent<HTMLAnchorElement>, id: string): void {
  const area = document.getElementById(id);
  if (area === null) return;
  const heading = area.querySelector<HTMLElement>('h2') ?? area;
  event.preventDefault();
  if (heading.tabIndex < 0 && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  heading.focus();
  history.replaceState(null, '', `#${id}`);
}

/**
 * Links to each area, out of sight until one has focus (the first Tab stop of the page). With 30 consumers
 * and a page of dead letters, Replay was 360 Tab presses from the top: every consumer's recent deliveries
 * and buttons, every letter's ID, Requeue and Discard.
 */
export function SkipLinks() {
  return (
    <nav className="skip-links" aria-label="Skip to">
      <span className="skip-links-title">Skip to</span>
      <ul>
        {TARGETS.map(([id, label]) => (
          <li key={id}>
            <a href={`#${id}`} onClick={(event) => focusArea(event, id)}>
              {label}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
