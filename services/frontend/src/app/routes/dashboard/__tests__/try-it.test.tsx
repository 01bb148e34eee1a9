import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { delay } from 'msw';

import type { components } from '@/api/schema';
import { bare, makeRun, MOVIES, withModel } from '@/testing/data';
import { fail, fakeApi, seed } from '@/testing/handlers';
import { currentSearch, renderApp } from '@/testing/render';
import { server } from '@/testing/server';

const panel = () => screen.findByRole('region', { name: 'Try it' }, { timeout: 10_000 });

async function pickUser(userId: string) {
  const tryIt = await panel();
  await userEvent.type(within(tryIt).getByLabelText('User id'), userId);
  await userEvent.click(within(tryIt).getByRole('button', { name: 'Show recommendations' }));
  return tryIt;
}

describe('try it panel', () => {
  it("shows a user's last 10 movies and the run's top 10 with year, genres and score, watched-next marked", async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    const asked: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/recommendations')) asked.push(`${request.method} ${new URL(request.url).search}`);
    });
    renderApp('/metrics/runs/r1');
    const tryIt = await pickUser('7');

    const top = await within(tryIt).findByTestId('recommendation-list');
    const picks = within(top).getAllByTestId('recommended-movie');
    // The fake's user watched movies 19..30: the top 10 are the first unseen, 1..10.
    expect(picks.map((item) => within(item).getByTestId('movie-title').textContent)).toEqual(
      MOVIES.slice(0, 10).map(bare),
    );
    expect(picks[0]).toHaveTextContent(/^1Movie A \(1990\)Action/); // the title's year shown once
    expect(picks[0]).toHaveTextContent('Action · Drama');
    expect(picks[0]).toHaveTextContent('10.000');
    expect(picks[6]).not.toHaveTextContent('(19'); // a movie without a year shows none
    // Movie 4 is the held-out one: marked in the list and named above it.
    expect(picks.filter((item) => item.dataset.watchedNext === 'true')).toEqual([picks[3]]);
    expect(within(picks[3]).getByText('watched next')).toBeInTheDocument();
    expect(within(tryIt).getByTestId('watched-next')).toHaveTextContent(
      'Watched next (held out from the history): Movie D (1993) — recommended at rank 4.',
    );

    const history = within(tryIt).getByTestId('history-list');
    expect(history).toHaveTextContent('Last 10 movies watched (of 12, latest first)');
    expect(within(history).getAllByTestId('movie-title').map((title) => title.textContent)).toEqual(
      MOVIES.slice(20).reverse().map(bare),
    );
    expect(asked).toEqual(['GET ?user_id=7&k=10']);
  });

  it('keeps the picked user in the URL, so a link shows the same lists', async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    const { router } = renderApp('/metrics/runs/r1?user=7');
    const tryIt = await panel();
    expect(await within(tryIt).findAllByTestId('recommended-movie')).toHaveLength(10);
    expect(within(tryIt).getByLabelText('User id')).toHaveValue(7);

    await userEvent.clear(within(tryIt).getByLabelText('User id'));
    await pickUser('9');
    expect(currentSearch(router).get('user')).toBe('9');
    expect(await within(tryIt).findAllByTestId('recommended-movie')).toHaveLength(10);
  });

  it('builds a made-up history from title search and posts it', async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    const posted: components['schemas']['RecommendationsRequest'][] = [];
    server.events.on('request:start', async ({ request }) => {
      if (request.method === 'POST' && request.url.includes('/recommendations')) posted.push(await request.clone().json());
    });
    renderApp('/metrics/runs/r1');
    const tryIt = await panel();
    await userEvent.click(within(tryIt).getByRole('tab', { name: 'A made-up history' }));
    const recommend = within(tryIt).getByRole('button', { name: 'Recommend for this history' });
    expect(recommend).toBeDisabled();

    await userEvent.type(within(tryIt).getByLabelText('Find a title'), 'movie b{Enter}');
    await userEvent.click(await within(tryIt).findByRole('button', { name: 'Add Movie B (1991)' }));
    await userEvent.clear(within(tryIt).getByLabelText('Find a title'));
    await userEvent.type(within(tryIt).getByLabelText('Find a title'), 'movie c{Enter}');
    const addC = await within(tryIt).findByRole('button', { name: 'Add Movie C (1992)' });
    await userEvent.click(addC);
    expect(addC).toBeDisabled(); // each movie once
    expect(within(tryIt).getByRole('list', { name: 'Made-up history' })).toHaveTextContent('Movie B (1991)×Movie C (1992)×');

    await userEvent.click(recommend);
    const picks = await within(tryIt).findAllByTestId('recommended-movie');
    expect(picks).toHaveLength(10);
    expect(picks[0]).toHaveTextContent('Movie A (1990)');
    expect(picks[1]).toHaveTextContent('Movie D (1993)'); // the history's movies are not recommended
    expect(within(tryIt).queryByTestId('watched-next')).not.toBeInTheDocument();
    expect(within(tryIt).getByTestId('history-list')).toHaveTextContent('Last 2 movies watched (of 2, latest first)');
    await waitFor(() => expect(posted).toEqual([{ history: [2, 3], k: 10 }]));
  });

  it("shows the API's message for a user it does not know, and Retry", async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    renderApp('/metrics/runs/r1');
    const tryIt = await pickUser('4242');
    const alert = await within(tryIt).findByRole('alert');
    expect(alert).toHaveTextContent('Not found');
    expect(alert).toHaveTextContent('unknown user 4242 (not in the evaluation data)');
    expect(within(alert).getByRole('button', { name: 'Retry' })).toBeInTheDocument();
  });

  it('shows a 400 refusal as the API words it', async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    server.use(fakeApi.get('/api/models/runs/{run_id}/recommendations', () => fail(400, 'k must be between 1 and 100, not 0')));
    renderApp('/metrics/runs/r1');
    const alert = await within(await pickUser('3')).findByRole('alert');
    expect(alert).toHaveTextContent('The request failed');
    expect(alert).toHaveTextContent('k must be between 1 and 100, not 0');
  });

  it('says loading while the model answers', async () => {
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    let answer: () => void = () => {};
    const answered = new Promise<void>((resolve) => (answer = resolve));
    server.use(
      fakeApi.get('/api/models/runs/{run_id}/recommendations', async () => {
        await answered;
        await delay(0);
        return fail(404, 'unknown user 3 (not in the evaluation data)');
      }),
    );
    renderApp('/metrics/runs/r1');
    const tryIt = await pickUser('3');
    expect(await within(tryIt).findByRole('status', { name: 'Loading recommendations' })).toBeInTheDocument();
    answer();
    expect(await within(tryIt).findByRole('alert')).toHaveTextContent('unknown user 3');
    expect(within(tryIt).queryByRole('status', { name: 'Loading recommendations' })).not.toBeInTheDocument();
  });

  it('a run that logged no model says so and asks the API nothing', async () => {
    seed([makeRun({ run_id: 'r1', model_name: 'popularity', model_type: 'baseline' })]);
    const asked: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/recommendations')) asked.push(request.url);
    });
    renderApp('/metrics/runs/r1');
    const tryIt = await panel();
    expect(within(tryIt).getByTestId('no-model')).toHaveTextContent('No model to try');
    expect(within(tryIt).queryByLabelText('User id')).not.toBeInTheDocument();
    expect(asked).toEqual([]);
  });

  it("a run whose model the API cannot find shows the API's reason, not a failure", async () => {
    // The digest tag is there, but the recommender finds no logged model for the run.
    seed([withModel(makeRun({ run_id: 'r1' }))]);
    server.use(
      fakeApi.get('/api/models/runs/{run_id}/recommendations', () => fail(404, 'run r1 logged no model to recommend with')),
    );
    renderApp('/metrics/runs/r1');
    const tryIt = await pickUser('3');
    expect(await within(tryIt).findByTestId('no-model')).toHaveTextContent('run r1 logged no model to recommend with');
    expect(within(tryIt).queryByRole('alert')).not.toBeInTheDocument();
  });
});
