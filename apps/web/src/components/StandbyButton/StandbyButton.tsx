import type { ReactNode } from 'react';

interface StandbyButtonProps {
  /** Why it has nothing to do now (its tooltip), or `null` while pressing it acts. */
  idleWhy: string | null;
  onPress: () => void;
  children: ReactNode;
}

/**
 * A button that stops something (the producer, a policy): once pressed there is nothing left to stop, and a
 * `disabled` one, disabled under focus, dropped focus to the page's body. So it is `aria-disabled` instead: it keeps
 * focus and its place in the tab order, says why in its tooltip, and does nothing while there is nothing to do.
 */
export function StandbyButton({ idleWhy, onPress, children }: StandbyButtonProps) {
  return (
    <button
      type="button"
      aria-disabled={idleWhy !== null || undefined}
      title={idleWhy ?? undefined}
      onClick={() => {
        if (idleWhy === null) onPress();
      }}
    >
      {children}
    </button>
  );
}
