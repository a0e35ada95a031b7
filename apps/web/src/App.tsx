import { ChartsPanel } from './charts/ChartsPanel';
import { DeadLetterPanel } from './components/DeadLetterPanel/DeadLetterPanel';
import { GroupsSection } from './components/GroupPanel/GroupsSection';
import { Header } from './components/Header/Header';
import { LastResultPanel } from './components/LastResultPanel/LastResultPanel';
import { LiveFeed } from './components/LiveFeed/LiveFeed';
import { LiveTailPanel } from './components/LiveTailPanel/LiveTailPanel';
import { PendingPanel } from './components/PendingPanel/PendingPanel';
import { ProducePanel } from './components/ProducePanel/ProducePanel';
import { ReplayPanel } from './components/ReplayPanel/ReplayPanel';
import { SkipLinks } from './components/SkipLinks/SkipLinks';
import { StreamPanel } from './components/StreamPanel/StreamPanel';
import { TailPanel } from './components/TailPanel/TailPanel';
import { TimelinePanel } from './components/TimelinePanel/TimelinePanel';
import { TrimPanel } from './components/TrimPanel/TrimPanel';
import { figuresStale, useDashboard } from './store/store';
import './App.css';

export function App() {
  const stale = useDashboard(figuresStale);
  return (
    <>
      <SkipLinks />
      <Header />
      <main className={`dashboard${stale ? ' is-stale' : ''}`}>
        <div className="area-stream">
          <StreamPanel />
        </div>
        <div className="area-produce">
          <ProducePanel />
        </div>
        <div className="area-trim">
          <TrimPanel />
        </div>
        <div id="groups" className="area-groups">
          <GroupsSection />
        </div>
        <div id="pending" className="area-pending">
          <PendingPanel />
        </div>
        <div className="area-tail">
          <TailPanel />
        </div>
        <div id="dead-letters" className="area-dlq">
          <DeadLetterPanel />
        </div>
        <div className="area-live-tail">
          <LiveTailPanel />
        </div>
        <div id="charts" className="area-charts">
          <ChartsPanel />
        </div>
        <div id="replay" className="area-replay">
          <ReplayPanel />
        </div>
        <div className="area-side">
          <LastResultPanel />
          <LiveFeed />
        </div>
      </main>
      <TimelinePanel />
    </>
  );
}
