import { Panel } from '../components/Panel/Panel';
import { HISTORY_WINDOW_MS } from '../store/history';
import { BacklogChart } from './BacklogChart/BacklogChart';
import { ConsumerPendingChart } from './ConsumerPendingChart/ConsumerPendingChart';
import { DeliveryHistogram } from './DeliveryHistogram/DeliveryHistogram';
import { ThroughputChart } from './ThroughputChart/ThroughputChart';

export function ChartsPanel() {
  return (
    <Panel title="Charts" subtitle={`last ${HISTORY_WINDOW_MS / 60_000} minutes`}>
      <div className="charts">
        <ThroughputChart />
        <BacklogChart />
        <ConsumerPendingChart />
        <DeliveryHistogram />
      </div>
    </Panel>
  );
}
