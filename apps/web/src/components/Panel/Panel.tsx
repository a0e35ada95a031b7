import { Component, type ReactNode, useId } from 'react';
import './Panel.css';

interface PanelProps {
  title: ReactNode;
  /** Small text after the title, e.g. the Redis command the panel is about. */
  subtitle?: ReactNode;
  actions?: ReactNode;
  className?: string;
  /** For a link to the panel (the skip links). */
  id?: string;
  children: ReactNode;
}

/** A titled card; a region named by its heading, so tests and screen readers find it by that name. */
export function Panel({ title, subtitle, actions, className, id, children }: PanelProps) {
  const headingId = useId();
  return (
    <section
      id={id}
      className={className === undefined ? 'panel' : `panel ${className}`}
      aria-labelledby={headingId}
    >
      <header className="panel-header">
        <h2 id={headingId} className="panel-title">
          {title}
        </h2>
        {subtitle === undefined ? null : <span className="panel-subtitle">{subtitle}</span>}
        {actions === undefined ? null : <div className="panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">
        <PanelErrorBoundary>{children}</PanelErrorBoundary>
      </div>
    </section>
  );
}

/**
 * A panel whose body throws while rendering (an entry no formatter expected, say) says so in place; without
 * this, one bad value would blank the whole page, Reset included.
 */
class PanelErrorBoundary extends Component<{ children: ReactNode }, { error: Error | null }> {
  override state = { error: null as Error | null };

  static getDerivedStateFromError(error: unknown) {
    return { error: error instanceof Error ? error : new Error(String(error)) };
  }

  override render() {
    if (this.state.error === null) return this.props.children;
    return (
      <p className="panel-error" role="alert">
        This panel failed to draw: {this.state.error.message}. The rest of the page still works; reload to try
        again.
      </p>
    );
  }
}
