import { HISTORY_WINDOW_MS } from '@streamscope/protocol';
import { useState } from 'react';
import { Panel } from '../components/Panel/Panel';
import { formatClock } from '../lib/format';
import { useDashboard } from '../store/store';
import { BacklogChart } from './BacklogChart/BacklogChart';
import { ConsumerPendingChart } from './ConsumerPendingChart/ConsumerPendingChart';
import { figuresBeginAt } from './charts-span';
import { DeliveryHistogram } from './DeliveryHistogram/DeliveryHistogram';
import { ThroughputChart } from './ThroughputChart/ThroughputChart';
import { ChartsElement } from './use-chart-data';

export function ChartsPanel() {
  const [charts, setCharts] = useState<HTMLDivElement | null>(null);
  const beginAt = useDashboard((state) => figuresBeginAt(state.history));
  const span = `last ${HISTORY_WINDOW_MS / 60_000} minutes`;
  return (
    // The lines break where seconds are missing (see history-gaps): said once here, or a gap read as a fault.
    // Where the figures begin later, said too: a page opened after the server restarted has none from before.
    <Panel
      title="Charts"
      subtitle={`${beginAt === null ? span : `${span}, from ${formatClock(beginAt)} when this server's figures begin`}; gaps where Redis or the server was away`}
    >
      <div className="charts" ref={setCharts}>
        <ChartsElement value={charts}>
          <ThroughputChart />
          <BacklogChart />
          <ConsumerPendingChart />
          <DeliveryHistogram />
        </ChartsElement>
      </div>
    </Panel>
  );
}
