import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';

import { screen } from '@testing-library/react';

import { earlyRequestsLanded, takeEarlyAnswer } from '@/lib/early-requests';
import { queryConfig } from '@/lib/react-query';
import { makeRun } from '@/testing/data';
import { seed } from '@/testing/handlers';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// index.html's inline script starts the first runs request before the app's bundle has loaded;
// the app must ask for exactly the URL it used, or the early answer goes unused.
const INDEX_HTML = readFileSync(resolve(__dirname, '../../../index.html'), 'utf8');
const INLINE_SCRIPTS = [...INDEX_HTML.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
const EARLY_SCRIPT = INLINE_SCRIPTS[0];

it('is the only inline script of index.html (the CSP admits that one by its hash)', () => {
  expect(INLINE_SCRIPTS).toHaveLength(1);
  expect(EARLY_SCRIPT).toContain("'/api/models/runs'");
});

/** Runs the early script at `path` with a fetch that answers `runs` (and records the URL). */
function startEarly(path: string, runs = [makeRun({ run_id: 'early', run_name: 'from-the-early-request' })]) {
  window.history.pushState({}, '', path);
  const asked: string[] = [];
  const realFetch = globalThis.fetch;
  globalThis.fetch = ((input: RequestInfo | URL) => {
    asked.push(String(input));
    const body = { success: true, data: runs, count: runs.length, total: runs.length, next_page_token: null, stale: false, refreshed_at: 0 };
    return Promise.resolve(Response.json(body));
  }) as typeof fetch;
  try {
    new Function(EARLY_SCRIPT)();
  } finally {
    globalThis.fetch = realFetch;
  }
  return asked;
}

function runsAskedOfTheApi(): string[] {
  const seen: string[] = [];
  server.events.on('request:start', ({ request }) => {
    if (new URL(request.url).pathname === '/api/models/runs') seen.push(request.url);
  });
  return seen;
}

afterEach(() => {
  delete window.__earlyRequests;
  window.history.pushState({}, '', '/');
});

describe('the early runs request', () => {
  it.each([
    '/metrics',
    '/metrics?type=ranking&model=bert4rec&status=active&q=metrics.val_ndcg_at_10%20%3E%200.1',
    '/metrics?sort=params.model.embedding_dim%20ASC&q=run_name%20LIKE%20%27%25a%26b%25%27',
    '/metrics?sort=metrics.train_loss',
  ])('is the one the dashboard takes at %s, so the API is not asked again', async (path) => {
    seed([makeRun({ run_id: 'late', run_name: 'from-the-app' })]);
    const asked = startEarly(path);
    expect(asked).toHaveLength(1);
    const fromApi = runsAskedOfTheApi();
    renderApp(path);
    expect(await screen.findByText('from-the-early-request')).toBeInTheDocument();
    expect(screen.queryByText('from-the-app')).not.toBeInTheDocument();
    expect(fromApi).toEqual([]);
    expect(window.__earlyRequests).toEqual({}); // taken once: a refetch asks the API
  });

  it('is drawn in the first render once it has landed, without a skeleton or a second request', async () => {
    seed([makeRun({ run_id: 'late', run_name: 'from-the-app' })]);
    startEarly('/metrics?q=metrics.val_ndcg_at_10%20%3E%200.1');
    await earlyRequestsLanded(5_000);
    const fromApi = runsAskedOfTheApi();
    renderApp('/metrics?q=metrics.val_ndcg_at_10%20%3E%200.1', queryConfig.queries); // as in production
    // Synchronously: the rows are in the very first commit, not after a refetch or a tick.
    expect(screen.getByText('from-the-early-request')).toBeInTheDocument();
    expect(screen.queryByRole('status', { name: 'Loading runs' })).not.toBeInTheDocument();
    await screen.findByTestId('total-runs'); // the rest of the page settles
    expect(fromApi).toEqual([]);
    expect(window.__earlyRequests).toEqual({});
  });

  it('is left to the API when it failed, and the app asks again itself', async () => {
    seed([makeRun({ run_id: 'late', run_name: 'from-the-app' })]);
    window.history.pushState({}, '', '/metrics');
    const realFetch = globalThis.fetch;
    globalThis.fetch = (() => Promise.resolve(new Response('busy', { status: 503 }))) as typeof fetch;
    try {
      new Function(EARLY_SCRIPT)();
    } finally {
      globalThis.fetch = realFetch;
    }
    await earlyRequestsLanded(5_000);
    const url = Object.keys(window.__earlyRequests!)[0];
    expect(takeEarlyAnswer(url)).toBeUndefined();
    const fromApi = runsAskedOfTheApi();
    renderApp('/metrics', queryConfig.queries);
    // The 503 is the answer to the app's first request; it retries once, as for any 503.
    expect(await screen.findByText('from-the-app')).toBeInTheDocument();
    expect(fromApi).toHaveLength(1);
  });

  it('is not started away from the runs list', () => {
    expect(startEarly('/metrics/runs/abc')).toEqual([]);
    expect(startEarly('/')).toEqual([]);
  });
});
