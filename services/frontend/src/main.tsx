import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';

import { App } from './app';
import { earlyRequestsLanded } from './lib/early-requests';
import './index.css';

// The app's modules are evaluated: bench/bench_search_ui.py reads this mark (load breakdown).
performance.mark('app-start');

// The first runs page (index.html's inline script) has usually landed by now, or is about to: the
// first render waits up to this long for it, so it draws the runs rather than skeletons first.
const FIRST_RENDER_WAIT_MS = 250;

void earlyRequestsLanded(FIRST_RENDER_WAIT_MS).then(() =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  ),
);
