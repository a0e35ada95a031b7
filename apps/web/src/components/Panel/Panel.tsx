import { type ReactNode, useId } from 'react';
import './Panel.css';

interface PanelProps {
  title: ReactNode;
  /** Small text after the title, e.g. the Redis command the panel is about. */
  subtitle?: ReactNode;
  actions?: ReactNode;
  className?: string;
  children: ReactNode;
}

/** A titled card; a region named by its heading, so tests and screen readers find it by that name. */
export function Panel({ title, subtitle, actions, className, children }: PanelProps) {
  const headingId = useId();
  return (
    <section className={className === undefined ? 'panel' : `panel ${className}`} aria-labelledby={headingId}>
      <header className="panel-header">
        <h2 id={headingId} className="panel-title">
          {title}
        </h2>
        {subtitle === undefined ? null : <span className="panel-subtitle">{subtitle}</span>}
        {actions === undefined ? null : <div className="panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
