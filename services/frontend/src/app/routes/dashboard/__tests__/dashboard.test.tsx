import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';

import { REQUEST_TIMEOUT_MS } from '@/lib/api-client';
import { makeRun } from '@/testing/data';
import { fail, fakeApi, seed } from '@/testing/handlers';
import { currentSearch, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

const twoTower = () => makeRun({ model_name: 'two-tower', run_id: 'tt1', run_name: 'two-tower-A' });
const bert = () =>
  makeRun({ model_name: 'bert4rec', run_id: 'b1', run_name: 'bert4rec-A', model_status: 'active' });

describe('metrics dashboard', () => {
  it('shows the summary and one card per run with the metrics that suit its type', async () => {
    seed([twoTower(), bert()]);
    renderApp('/metrics');

    expect(await screen.findByTestId('total-runs')).toHaveTextContent('2');
    const cards = await screen.findAllByTestId('run-card');
    expect(cards).toHaveLength(2);

    const retrieval = cards.find((card) => card.dataset.runId === 'tt1')!;
    expect(within(retrieval).getByText('Recall@100')).toBeInTheDocument();
    expect(within(retrieval).getByText('Coverage@100')).toBeInTheDocument();
    expect(within(retrieval).getByText('42.5 s')).toBeInTheDocument();
    expect(within(retrieval).queryByText('NDCG@10')).not.toBeInTheDocument();
    expect(within(retrieval).getByText('Val Recall@10')).toBeInTheDocument(); // validation first

    const ranking = cards.find((card) => card.dataset.runId === 'b1')!;
    expect(within(ranking).getByText('NDCG@10')).toBeInTheDocument();
    expect(within(ranking).getByText('Val NDCG@10')).toBeInTheDocument();
    expect(within(ranking).getByText('Val loss')).toBeInTheDocument();
    expect(within(ranking).getByText('Parameters')).toBeInTheDocument();
    expect(within(ranking).getByTestId('status-badge')).toHaveTextContent('active');

    // The run link points into the MLflow UI the API reports.
    await waitFor(() =>
      expect(within(retrieval).getByRole('link', { name: /MLflow/ })).toHaveAttribute(
        'href',
        'http://mlflow.example:5000/#/experiments/1/runs/tt1',
      ),
    );
    // Active models summary lists the promoted run.
    expect(within(screen.getByTestId('summary-active')).getByText('bert4rec')).toBeInTheDocument();
  });

  it('lists every active model in the summary, however old its run', async () => {
    const runs = Array.from({ length: 7 }, (_, i) =>
      makeRun({ model_name: 'two-tower', run_id: `new${i}`, run_name: `two-tower-${i}` }),
    );
    seed([...runs, makeRun({ model_name: 'bert4rec', run_id: 'old', run_name: 'bert4rec-old', model_status: 'active' })]);
    renderApp('/metrics');
    const card = await screen.findByTestId('summary-active');
    expect(await within(card).findByText('bert4rec')).toBeInTheDocument();
    expect(within(card).queryByText('None promoted yet')).not.toBeInTheDocument();
  });

  it('marks a running run whose trainer went silent as stale, and a live one as running', async () => {
    seed([
      makeRun({ run_id: 'live', run_name: 'two-tower-live', status: 'RUNNING', model_status: 'running' }),
      makeRun({ run_id: 'gone', run_name: 'two-tower-gone', status: 'RUNNING', model_status: 'stale' }),
    ]);
    renderApp('/metrics');
    const cards = await screen.findAllByTestId('run-card');
    const badge = (id: string) => within(cards.find((card) => card.dataset.runId === id)!).getByTestId('status-badge');
    expect(badge('live')).toHaveTextContent('running');
    expect(badge('gone')).toHaveTextContent('stale');
  });

  it('filters by model type through the API and keeps the filter in the URL', async () => {
    seed([twoTower(), bert()]);
    const requests: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/api/models/runs')) requests.push(request.url);
    });
    const { router } = renderApp('/metrics');
    expect(await screen.findAllByTestId('run-card')).toHaveLength(2);

    await userEvent.selectOptions(screen.getByLabelText('Model type'), 'ranking');

    await waitFor(() => expect(screen.getAllByTestId('run-card')).toHaveLength(1));
    expect(screen.getByTestId('run-card')).toHaveAttribute('data-run-id', 'b1');
    expect(currentSearch(router).get('type')).toBe('ranking');
    expect(requests.some((url) => new URL(url).searchParams.get('model_type') === 'ranking')).toBe(true);
  });

  it('restores filters from a shared URL', async () => {
    seed([twoTower(), bert()]);
    renderApp('/metrics?type=retrieval');
    await waitFor(() => expect(screen.getAllByTestId('run-card')).toHaveLength(1));
    expect(screen.getByTestId('run-card')).toHaveAttribute('data-run-id', 'tt1');
    expect(screen.getByLabelText('Model type')).toHaveValue('retrieval');
  });

  it('puts compare picks in the URL and links to the compare view once two are picked', async () => {
    seed([twoTower(), bert()]);
    const { router } = renderApp('/metrics');
    await userEvent.click(await screen.findByLabelText('Compare two-tower-A'));
    expect(screen.getByText('Pick one more to compare')).toBeInTheDocument();
    await userEvent.click(screen.getByLabelText('Compare bert4rec-A'));

    expect(currentSearch(router).get('compare')).toBe('tt1,b1');
    expect(screen.getByRole('link', { name: 'Compare runs' })).toHaveAttribute(
      'href',
      '/metrics/compare?runs=tt1,b1',
    );
  });

  it('says how to get runs when there are none', async () => {
    seed([]);
    renderApp('/metrics');
    expect(await screen.findByText('No runs yet')).toBeInTheDocument();
    expect(screen.getByText('make train')).toBeInTheDocument();
  });

  it('says the API is down when it cannot be reached', async () => {
    server.use(
      http.get('/api/models/runs', () => HttpResponse.error()),
      http.get('/api/models/summary', () => HttpResponse.error()),
    );
    renderApp('/metrics');
    const alerts = await screen.findAllByRole('alert');
    expect(alerts[0]).toHaveTextContent('The metrics API is unavailable');
    expect(alerts[0]).toHaveTextContent('cannot be reached');
  });

  it('shows an error with Retry when the API does not answer within 10 s', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      // A hung API: the request is accepted and never answered.
      server.use(http.get('/api/models/summary', () => new Promise<never>(() => {})));
      renderApp('/metrics');
      expect(await screen.findByLabelText('Loading summary')).toBeInTheDocument();
      await vi.advanceTimersByTimeAsync(REQUEST_TIMEOUT_MS);
      const alert = await screen.findByRole('alert');
      expect(alert).toHaveTextContent('did not answer within 10 s');
      expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
    } finally {
      vi.useRealTimers();
    }
  });

  it("shows the API's own message when MLflow is down (503)", async () => {
    server.use(
      fakeApi.get('/api/models/runs', () => fail(503, 'MLflow tracking server unreachable at http://mlflow:5000')),
    );
    seed([twoTower()]);
    renderApp('/metrics');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The metrics API is unavailable');
    expect(alert).toHaveTextContent('MLflow tracking server unreachable at http://mlflow:5000');
  });

  it('picks up runs that finished since, on refresh', async () => {
    seed([twoTower()]);
    renderApp('/metrics');
    expect(await screen.findAllByTestId('run-card')).toHaveLength(1);

    seed([bert(), twoTower()]);
    await userEvent.click(screen.getByRole('button', { name: 'Refresh' }));

    await waitFor(() => expect(screen.getAllByTestId('run-card')).toHaveLength(2));
    expect(screen.getByTestId('total-runs')).toHaveTextContent('2');
  });

  it('switches to a table view of the runs', async () => {
    seed([twoTower(), bert()]);
    const { router } = renderApp('/metrics');
    await userEvent.click(await screen.findByRole('button', { name: 'Table view' }));
    expect(screen.getAllByTestId('run-row')).toHaveLength(2);
    expect(currentSearch(router).get('view')).toBe('table');
  });
});
