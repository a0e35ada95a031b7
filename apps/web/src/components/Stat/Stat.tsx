import type { ReactNode } from 'react';

interface StatProps {
  label: ReactNode;
  /** What the figure means, as the label's tooltip. */
  hint?: string;
  /** A class for the value when it needs attention: `is-alert`, `has-pending`, `unknown`. */
  tone?: string | undefined;
  children: ReactNode;
}

/** One figure in a stats list (`<dl className="stats">`): its label above, its value below. */
export function Stat({ label, hint, tone, children }: StatProps) {
  return (
    <div>
      <dt title={hint}>{label}</dt>
      <dd className={tone}>{children}</dd>
    </div>
  );
}
