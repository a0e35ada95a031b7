import { useShallow } from 'zustand/react/shallow';
import { describeLagTrend, lagTrend } from '../../lib/lag-trend';
import { useDashboard } from '../../store/store';
import { Stat } from '../Stat/Stat';

/**
 * When the group's lag will be gone at the pace it reads, or that it is growing, standing still or not read (see
 * `lagTrend`). Its own component, reading the charts' history: only this figure renders again as that moves.
 */
export function CatchUpStat({
  group,
  lag,
  mayBeRead,
}: {
  group: string;
  lag: number | null;
  mayBeRead: boolean;
}) {
  const { kind, text, hint } = useDashboard(
    useShallow((state) => {
      const trend = lagTrend(state.history, group, lag, state.resetMarks.at(-1), mayBeRead);
      return { kind: trend.kind, ...describeLagTrend(trend) };
    }),
  );
  const tone =
    kind === 'unknown'
      ? 'unknown'
      : kind === 'falling-behind' || kind === 'steady' || kind === 'not-reading'
        ? 'is-behind'
        : undefined;
  return (
    <Stat label="Catch-up" hint={hint} tone={tone}>
      {text}
    </Stat>
  );
}
