import { HISTORY_WINDOW_MS } from '@streamscope/protocol';
import { useState } from 'react';
import { Panel } from '../components/Panel/Panel';
import { BacklogChart } from './BacklogChart/BacklogChart';
import { ConsumerPendingChart } from './ConsumerPendingChart/ConsumerPendingChart';
import { DeliveryHistogram } from './DeliveryHistogram/DeliveryHistogram';
import { ThroughputChart } from './ThroughputChart/ThroughputChart';
import { ChartsElement } from './use-chart-data';

export function ChartsPanel() {
  const [charts, setCharts] = useState<HTMLDivElement | null>(null);
  return (
    // The lines break where seconds are missing (see history-gaps): said once here, or a gap read as a fault.
    <Panel
      title="Charts"
      subtitle={`last ${HISTORY_WINDOW_MS / 60_000} minutes; gaps where Redis or the server was away`}
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
