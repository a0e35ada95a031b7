// The base styles first, so each component's own CSS (imported with it) comes later and wins on equal specificity.
import './styles/global.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { startSocket } from './socket/socket-client';

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');

startSocket();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
