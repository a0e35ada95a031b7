import { type ReactNode, useRef } from 'react';
import { useUntabbableChartLayers } from './use-untabbable-layers';
import './charts.css';

interface ChartFrameProps {
  title: string;
  unit?: string;
  note?: ReactNode;
  /** The chart's figures in words (see chart-summary), what a screen reader is told in place of the drawing. */
  summary: string;
  children: ReactNode;
}

/**
 * A captioned figure around one chart. The charts inside turn recharts' keyboard layer off (`accessibilityLayer`):
 * each snapshot redraws them, which drops focus from a focused chart to the top of the page, and stepping through
 * a tooltip that moves four times a second helps nobody; the caption names the chart, the drawing is an image
 * named by its newest figures, and the tables hold the data.
 */
export function ChartFrame({ title, unit, note, summary, children }: ChartFrameProps) {
  const figure = useRef<HTMLElement>(null);
  useUntabbableChartLayers(figure);
  return (
    <figure className="chart" ref={figure}>
      <figcaption className="chart-caption">
        <span className="chart-title">{title}</span>
        {unit === undefined ? null : <span className="chart-unit">{unit}</span>}
        {note === undefined ? null : <span className="chart-note">{note}</span>}
      </figcaption>
      {/* An image with its figures for a name: its ticks and legend, read one by one, said nothing usable. */}
      <div className="chart-drawing" role="img" aria-label={`${title}, ${summary}`}>
        {children}
      </div>
    </figure>
  );
}
