import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import type { ChampionChange } from '@/types/api';
import { IDLE_LIST_INTERVAL_MS, LIVE_INTERVAL_MS } from '@/lib/live';
import { makeRun } from '@/testing/data';
import { db, fakeApi, ok, seed } from '@/testing/handlers';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// Polling runs on real timers: a few seconds per step at most.
const POLL = { timeout: 8_000 };

const running = (epoch: number) =>
  makeRun({
    run_id: 'live',
    status: 'RUNNING',
    end_time: null,
    model_status: 'running',
    progress: { epoch, epochs: 5, eta_at: Date.now() + 90_000 },
  });

describe('live training', () => {
  // The next poll: the clock is moved on rather than waited for.
  beforeEach(() => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("a running run's page shows epoch i / N and an ETA, and moves on without a reload", async () => {
    seed([running(1)]);
    renderApp('/metrics/runs/live');
    const progress = await screen.findByTestId('run-progress');
    expect(within(progress).getByTestId('run-epoch')).toHaveTextContent('1 / 5');
    expect(progress).toHaveTextContent(/ETA 1 min (29|30) s/);
    db.runs = [running(2)];
    await vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS);
    await waitFor(() => expect(screen.getByTestId('run-epoch')).toHaveTextContent('2 / 5'), POLL);
  });

  it('stops asking once the run has ended', async () => {
    seed([running(4)]);
    const { client } = renderApp('/metrics/runs/live');
    await screen.findByTestId('run-progress');
    const query = client.getQueryCache().find({ queryKey: ['runs', 'detail', 'live'] })!;
    const interval = () => {
      const every = query.observers[0].options.refetchInterval;
      return typeof every === 'function' ? every(query) : every;
    };
    expect(interval()).toBeGreaterThan(0);
    db.runs = [makeRun({ run_id: 'live', status: 'FINISHED', progress: null })];
    await vi.advanceTimersByTimeAsync(LIVE_INTERVAL_MS);
    await waitFor(() => expect(screen.queryByTestId('run-progress')).not.toBeInTheDocument(), POLL);
    expect(interval()).toBe(false);
  });

  it('the runs list shows a run that starts after it was opened, with its progress', async () => {
    // The idle list's refresh is 10 s away.
    seed([makeRun({ run_id: 'old' })]);
    renderApp('/metrics');
    expect(await screen.findAllByTestId('run-card')).toHaveLength(1);
    db.runs = [running(2), ...db.runs];
    await vi.advanceTimersByTimeAsync(IDLE_LIST_INTERVAL_MS);
    const card = await waitFor(() => {
      const found = screen.getAllByTestId('run-card').find((c) => c.dataset.runId === 'live');
      expect(found).toBeDefined();
      return found!;
    }, POLL);
    expect(within(card).getByTestId('run-epoch')).toHaveTextContent('2 / 5');
  });
});

const change = (over: Partial<ChampionChange>): ChampionChange => ({
  action: 'promote',
  version: '1',
  run_id: 'a',
  run_name: 'two-tower-a',
  previous_version: null,
  previous_run_id: null,
  previous_run_name: null,
  promoted_by: 'alice',
  promoted_at: '2025-01-01T12:00:00Z',
  metrics: { val_ndcg_at_10: 0.05, ndcg_at_10: 0.04 },
  previous_metrics: { val_ndcg_at_10: null, ndcg_at_10: null },
  ...over,
});

describe('champion history', () => {
  it('lists the changes newest first and rolls back as the person signed in', async () => {
    seed([makeRun({ run_id: 'b' })]);
    let changes = [
      change({ version: '2', run_id: 'b', run_name: 'two-tower-b', previous_version: '1', previous_run_id: 'a',
        previous_run_name: 'two-tower-a', metrics: { val_ndcg_at_10: 0.07, ndcg_at_10: 0.05 },
        previous_metrics: { val_ndcg_at_10: 0.05, ndcg_at_10: 0.04 } }),
      change({}),
    ];
    let current = '2';
    const auth: (string | null)[] = [];
    server.use(
      fakeApi.get('/api/models/champions/{model_name}/history', () =>
        ok({ registered_model: 'movie-genie-two-tower', current_version: current, changes }, { count: changes.length }),
      ),
      fakeApi.post('/api/models/champions/{model_name}/rollback', ({ request }) => {
        auth.push(request.headers.get('authorization'));
        current = '1';
        changes = [change({ action: 'rollback', previous_version: '2', previous_run_id: 'b', promoted_by: 'carol' }), ...changes];
        return ok({
          run: makeRun({ run_id: 'a' }),
          previous_active_run_id: 'b',
          registered_model: 'movie-genie-two-tower',
          version: '1',
          alias: 'champion' as const,
          promoted_by: 'carol',
        });
      }),
    );
    renderApp('/metrics/runs/b');
    const list = await screen.findByTestId('champion-history');
    const rows = within(list).getAllByTestId('champion-change');
    expect(rows.map((row) => row.dataset.version)).toEqual(['2', '1']);
    expect(rows[0]).toHaveTextContent('from version 1 (two-tower-a)');
    expect(rows[0]).toHaveTextContent('Val NDCG@10 0.0500 → 0.0700 (+0.0200)');

    await userEvent.click(screen.getByRole('button', { name: 'Roll back to version 1' }));
    await userEvent.type(screen.getByLabelText('MLflow username'), 'carol');
    await userEvent.type(screen.getByLabelText('Password'), 'pw');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm roll back' }));
    expect(await screen.findByRole('status')).toHaveTextContent('Rolled back by carol: version 1');
    expect(auth).toEqual([`Basic ${btoa('carol:pw')}`]);
    await waitFor(() => expect(within(screen.getByTestId('champion-history')).getAllByTestId('champion-change')).toHaveLength(3));
    expect(screen.getAllByTestId('champion-change')[0]).toHaveAttribute('data-action', 'rollback');
    // A roll back undoes the last change: the next one would return to version 2.
    expect(screen.getByRole('button', { name: 'Roll back to version 2' })).toBeEnabled();
  });
});
