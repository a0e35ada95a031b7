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
            <a href={`#${id}`}>{label}</a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
