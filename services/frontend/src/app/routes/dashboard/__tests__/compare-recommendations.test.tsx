import { screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { bare, makeRun, MOVIES, withModel } from '@/testing/data';
import { fail, fakeApi, seed } from '@/testing/handlers';
import { currentSearch, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

const titles = (column: HTMLElement) => within(column).getAllByTestId('movie-title').map((title) => title.textContent);

describe('compare: recommendations side by side', () => {
  it('shows the same user across the runs, one column each, movies several runs recommend marked', async () => {
    seed([
      withModel(makeRun({ run_id: 'a', run_name: 'two-tower-A' })),
      withModel(makeRun({ run_id: 'b', run_name: 'bert4rec-B', model_name: 'bert4rec' })),
      makeRun({ run_id: 'c', run_name: 'popularity-C', model_name: 'popularity', model_type: 'baseline' }),
    ]);
    const asked: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/recommendations')) asked.push(new URL(request.url).pathname + new URL(request.url).search);
    });
    const { router } = renderApp('/metrics/compare?runs=a,b,c');
    await userEvent.click(await screen.findByRole('tab', { name: 'Recommendations' }));
    expect(currentSearch(router).get('tab')).toBe('recommendations');
    const section = screen.getByRole('region', { name: 'Recommendations side by side' });
    await userEvent.type(within(section).getByLabelText('User id'), '7');
    await userEvent.click(within(section).getByRole('button', { name: 'Show recommendations' }));

    const columns = await within(section).findAllByTestId('run-recommendations');
    expect(columns.map((column) => column.dataset.runId)).toEqual(['a', 'b', 'c']);
    expect(columns[0]).toHaveTextContent('two-tower-A');
    // Run a recommends movies 1..10, run b 6..15 (the fake): 6..10 are in both.
    await within(columns[1]).findByTestId('recommendation-list');
    expect(titles(columns[0])).toEqual(MOVIES.slice(0, 10).map(bare));
    expect(titles(columns[1])).toEqual(MOVIES.slice(5, 15).map(bare));
    for (const column of columns.slice(0, 2)) {
      const marked = within(column)
        .getAllByTestId('recommended-movie')
        .filter((item) => item.dataset.shared === 'true');
      expect(marked.map((item) => within(item).getByTestId('movie-title').textContent)).toEqual(
        MOVIES.slice(5, 10).map(bare),
      );
      expect(within(marked[0]).getByText('in 2 runs')).toBeInTheDocument();
    }
    // The run without a model says so in its column and is not asked.
    expect(within(columns[2]).getByTestId('no-model')).toHaveTextContent('No model to try');
    expect(asked.sort()).toEqual([
      '/api/models/runs/a/recommendations?user_id=7&k=10',
      '/api/models/runs/b/recommendations?user_id=7&k=10',
    ]);
    // The user's history, shown once above the columns.
    expect(within(section).getAllByTestId('history-list')).toHaveLength(1);
    expect(currentSearch(router).get('user')).toBe('7');
  });

  it("shows one run's failure in its own column, beside the other run's list", async () => {
    seed([withModel(makeRun({ run_id: 'a' })), withModel(makeRun({ run_id: 'b' }))]);
    server.use(
      fakeApi.get('/api/models/runs/{run_id}/recommendations', ({ params }) =>
        params.run_id === 'b' ? fail(409, "the run's model was refused: digest mismatch") : undefined,
      ),
    );
    // The link of a comparison for a user: its lists show with no typing.
    renderApp('/metrics/compare?runs=a,b&tab=recommendations&user=7');
    const section = await screen.findByRole('region', { name: 'Recommendations side by side' });
    const [a, b] = await within(section).findAllByTestId('run-recommendations');
    expect(await within(b).findByRole('alert')).toHaveTextContent("the run's model was refused: digest mismatch");
    expect(await within(a).findAllByTestId('recommended-movie')).toHaveLength(10);
    expect(within(a).queryByRole('alert')).not.toBeInTheDocument();
  });
});
