import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeRun, summarize } from '@/testing/data';
import { fail, fakeApi, ok, REFRESHED_AT, runsPage, seed } from '@/testing/handlers';
import { currentSearch, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// The search language itself is the API's (tested in tests/metrics_api); here: what the
// dashboard sends, and how it shows counts, errors, sort order, views and the export.

const runs = Array.from({ length: 3 }, (_, i) => makeRun({ run_id: `r${i}`, run_name: `run-${i}` }));

function recordRunRequests(): URLSearchParams[] {
  const seen: URLSearchParams[] = [];
  server.events.on('request:start', ({ request }) => {
    const url = new URL(request.url);
    if (url.pathname === '/api/models/runs') seen.push(url.searchParams);
  });
  return seen;
}

describe('searching and sorting runs', () => {
  it('sends the query, keeps it in the URL and counts matches in the reader\'s locale', async () => {
    seed(runs);
    server.use(
      fakeApi.get('/api/models/runs', ({ request }) => {
        const q = new URL(request.url).searchParams.get('q');
        return q ? runsPage([runs[1]], { total: 2431, next_page_token: 'more' }) : runsPage(runs);
      }),
      fakeApi.get('/api/models/summary', ({ request }) => {
        const q = new URL(request.url).searchParams.get('q');
        const summary = { ...summarize(q ? [runs[1]] : runs), total_runs: q ? 2431 : 10000 };
        return ok(summary, { stale: false, refreshed_at: REFRESHED_AT });
      }),
    );
    const seen = recordRunRequests();
    const { router } = renderApp('/metrics');
    expect(await screen.findByTestId('runs-count')).toHaveTextContent('3 runs');

    await userEvent.type(screen.getByLabelText('Search runs'), 'metrics.val_ndcg_at_10 > 0.05{Enter}');

    await waitFor(() => expect(screen.getByTestId('runs-count')).toHaveTextContent('2,431 of 10,000 runs'));
    expect(currentSearch(router).get('q')).toBe('metrics.val_ndcg_at_10 > 0.05');
    expect(seen.some((params) => params.get('q') === 'metrics.val_ndcg_at_10 > 0.05')).toBe(true);
    // The summary cards follow the search.
    await waitFor(() => expect(screen.getByTestId('total-runs')).toHaveTextContent('2,431'));
    expect(within(screen.getByTestId('summary-total')).getByText('Matching runs')).toBeInTheDocument();
  });

  it('shows the API\'s error under the query with a caret at its position', async () => {
    seed(runs);
    server.use(
      fakeApi.get('/api/models/runs', ({ request }) =>
        new URL(request.url).searchParams.get('q')
          ? fail(400, "q: unexpected '>' at position 14; expected a number", 14)
          : runsPage(runs),
      ),
    );
    renderApp('/metrics?q=metrics.ndcg%20>>%201');
    const error = await screen.findByTestId('search-error');
    expect(error).toHaveTextContent("unexpected '>' at position 14");
    expect(within(error).getByText(/\^/).textContent).toBe('metrics.ndcg >> 1\n' + ' '.repeat(14) + '^');
    expect(screen.getByLabelText('Search runs')).toHaveAttribute('aria-invalid', 'true');
  });

  it('sorts by the validation metric by default and by a column header when clicked', async () => {
    seed(runs);
    const seen = recordRunRequests();
    const { router } = renderApp('/metrics?view=table');
    expect(await screen.findAllByTestId('run-row')).toHaveLength(3);
    expect(seen[0].get('order_by')).toBe('metrics.val_ndcg_at_10 DESC');

    await userEvent.click(screen.getByRole('button', { name: /^Started/ }));
    await waitFor(() => expect(currentSearch(router).get('sort')).toBe('start_time DESC'));
    await waitFor(() => expect(seen.at(-1)!.get('order_by')).toBe('start_time DESC'));
    await userEvent.click(screen.getByRole('button', { name: /^Started/ }));
    await waitFor(() => expect(currentSearch(router).get('sort')).toBe('start_time ASC'));
  });

  it('shows the table by default past a few dozen runs, with the columns picked', async () => {
    seed(Array.from({ length: 40 }, (_, i) => makeRun({ run_id: `m${i}` })));
    const { router } = renderApp('/metrics');
    expect(await screen.findAllByTestId('run-row')).toHaveLength(40);
    expect(screen.queryByTestId('run-card')).not.toBeInTheDocument();

    await userEvent.click(screen.getByText(/^Columns/));
    await userEvent.click(screen.getByLabelText('param model.embedding_dim'));
    expect(currentSearch(router).get('cols')).toContain('params.model.embedding_dim');
    const cells = screen.getAllByRole('cell').filter((cell) => cell.dataset.column === 'params.model.embedding_dim');
    expect(cells).toHaveLength(40);
    expect(cells[0]).toHaveTextContent('64');
  });

  it('opens a run from its name in the table, in the app; a modified click is the browser\'s', async () => {
    seed(runs);
    const { router } = renderApp('/metrics?view=table');
    const link = await screen.findByRole('link', { name: 'run-1' });
    expect(link).toHaveAttribute('href', '/metrics/runs/r1');

    const unhandled = new MouseEvent('click', { bubbles: true, cancelable: true, ctrlKey: true });
    link.dispatchEvent(unhandled);
    expect(unhandled.defaultPrevented).toBe(false); // a new tab: the browser follows the href
    expect(router.state.location.pathname).toBe('/metrics');

    await userEvent.click(link);
    await waitFor(() => expect(router.state.location.pathname).toBe('/metrics/runs/r1'));
  });

  it('exports every matching run through the API\'s CSV, with the search, order and columns', async () => {
    seed(runs);
    renderApp('/metrics?q=run_name%20LIKE%20%27run-%25%27&sort=start_time%20ASC');
    const link = await screen.findByRole('link', { name: 'Export CSV' });
    const url = new URL(link.getAttribute('href')!);
    expect(url.pathname).toBe('/api/models/runs.csv');
    expect(url.searchParams.get('q')).toBe("run_name LIKE 'run-%'");
    expect(url.searchParams.get('order_by')).toBe('start_time ASC');
    expect(url.searchParams.get('columns')).toContain('metrics.val_ndcg_at_10');
  });
});
