import { type ReactNode, useRef } from 'react';
import { useUntabbableChartLayers } from './use-untabbable-layers';
import './charts.css';

interface ChartFrameProps {
  title: string;
  unit?: string;
  note?: ReactNode;
  children: ReactNode;
}

/**
 * A captioned figure around one chart. The charts inside turn recharts' keyboard layer off (`accessibilityLayer`):
 * each snapshot redraws them, which drops focus from a focused chart to the top of the page, and stepping through
 * a tooltip that moves four times a second helps nobody; the caption names the chart and the tables hold the data.
 */
export function ChartFrame({ title, unit, note, children }: ChartFrameProps) {
  const figure = useRef<HTMLElement>(null);
  useUntabbableChartLayers(figure);
  return (
    <figure className="chart" ref={figure}>
      <figcaption className="chart-caption">
        <span className="chart-title">{title}</span>
        {unit === undefined ? null : <span className="chart-unit">{unit}</span>}
        {note === undefined ? null : <span className="chart-note">{note}</span>}
      </figcaption>
      {children}
    </figure>
  );
}
