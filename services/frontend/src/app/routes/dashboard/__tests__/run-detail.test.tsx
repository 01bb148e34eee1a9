import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeRun } from '@/testing/data';
import { db, fail, fakeApi, ok, seed } from '@/testing/handlers';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

describe('run detail', () => {
  it('shows metrics, params, tags and lineage', async () => {
    seed([makeRun({ run_id: 'r1', run_name: 'bert4rec-X', model_name: 'bert4rec' })]);
    renderApp('/metrics/runs/r1');
    expect(await screen.findByTestId('run-title')).toHaveTextContent('bert4rec-X');
    const lineage = screen.getByTestId('lineage');
    expect(within(lineage).getByText('abc1234')).toBeInTheDocument();
    expect(within(lineage).getByText('md5:feedbeef')).toBeInTheDocument();
    expect(within(lineage).getByText('train_bert4rec')).toBeInTheDocument();
    expect(within(screen.getByTestId('metrics')).getByText('NDCG@100')).toBeInTheDocument();
    expect(within(screen.getByTestId('params')).getByText('model.embedding_dim')).toBeInTheDocument();
  });

  it('draws the per-epoch curves the run logged, and asks for no others', async () => {
    seed([makeRun({ run_id: 'r1' })]); // logs train_loss, val_loss, val_ndcg_at_10, not learning_rate
    const asked: string[] = [];
    server.events.on('request:start', ({ request }) => {
      if (request.url.includes('/metrics/')) asked.push(new URL(request.url).pathname);
    });
    renderApp('/metrics/runs/r1');
    const trainLoss = await screen.findByTestId('curve-chart-train_loss');
    await waitFor(() => expect(trainLoss.querySelectorAll('.recharts-line-dot')).toHaveLength(3));
    expect(await screen.findByTestId('curve-chart-val_loss')).toBeInTheDocument();
    expect(screen.queryByTestId('curve-chart-learning_rate')).not.toBeInTheDocument();
    expect(asked.sort()).toEqual([
      '/api/models/runs/r1/metrics/train_loss/history',
      '/api/models/runs/r1/metrics/val_loss/history',
      '/api/models/runs/r1/metrics/val_ndcg_at_10/history',
    ]);
  });

  it('plots the validation curve with the test score beside it', async () => {
    seed([makeRun({ run_id: 'r1', metrics: { val_ndcg_at_10: 0.081, ndcg_at_10: 0.0712 } })]);
    renderApp('/metrics/runs/r1');
    // The chart is lazy-loaded: wait for it as long as a slow machine needs.
    expect(await screen.findByTestId('curve-chart-val_ndcg_at_10', {}, { timeout: 10_000 })).toBeInTheDocument();
    expect(screen.getByTestId('test-beside-val_ndcg_at_10')).toHaveTextContent(
      'NDCG@10 on test (read once, at the best epoch): 0.0712',
    );
    expect(screen.queryByTestId('curve-chart-train_loss')).not.toBeInTheDocument();
  });

  it('promotes as the person signed in once, shows the answer and flips the badge', async () => {
    seed([makeRun({ run_id: 'r1' }), makeRun({ run_id: 'r2' })]);
    const authHeaders: (string | null)[] = [];
    server.use(
      fakeApi.post('/api/models/runs/{run_id}/promote', ({ request, params }) => {
        authHeaders.push(request.headers.get('authorization'));
        const run = db.runs.find((r) => r.run_id === params.run_id)!;
        run.model_status = 'active';
        return ok({
          run,
          previous_active_run_id: null,
          registered_model: 'movie-genie-two-tower',
          version: '3',
          alias: 'champion' as const,
          promoted_by: 'alice',
        });
      }),
    );
    const { router } = renderApp('/metrics/runs/r1');
    await userEvent.click(await screen.findByRole('button', { name: 'Promote to active' }, { timeout: 10_000 }));
    await userEvent.type(screen.getByLabelText('MLflow username'), 'alice');
    await userEvent.type(screen.getByLabelText('Password'), 'pä55');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm promotion' }));

    expect(await screen.findByRole('status', { name: '' })).toHaveTextContent(
      'Promoted by alice: registered model movie-genie-two-tower version 3, alias champion',
    );
    // Basic credentials, UTF-8 encoded: "alice:pä55".
    const basic = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode('alice:pä55')))}`;
    expect(authHeaders).toEqual([basic]);
    await waitFor(() => expect(screen.getByTestId('status-badge')).toHaveTextContent('active'));

    // A second promotion in the same session does not ask again.
    await act(() => router.navigate('/metrics/runs/r2'));
    await waitFor(() => expect(screen.getByTestId('run-title')).toHaveTextContent(String(db.runs[1].run_name)));
    await userEvent.click(await screen.findByRole('button', { name: 'Promote to active' }, { timeout: 10_000 }));
    await waitFor(() => expect(authHeaders).toEqual([basic, basic]));
    expect(screen.queryByLabelText('Password')).not.toBeInTheDocument();
  }, 45_000); // two sign-in forms typed key by key: slow on a loaded machine

  it("shows the API's refusal and asks for the credentials again after a 403", async () => {
    seed([makeRun({ run_id: 'r1' })]);
    server.use(
      fakeApi.post('/api/models/runs/{run_id}/promote', () => fail(403, "MLflow user 'bob' may not do this on MLflow")),
    );
    renderApp('/metrics/runs/r1');
    await userEvent.click(await screen.findByRole('button', { name: 'Promote to active' }, { timeout: 10_000 }));
    await userEvent.type(screen.getByLabelText('MLflow username'), 'bob');
    await userEvent.type(screen.getByLabelText('Password'), 'wrong');
    await userEvent.click(screen.getByRole('button', { name: 'Confirm promotion' }));

    expect(await screen.findByRole('alert')).toHaveTextContent("Promotion refused: MLflow user 'bob' may not do this");
    await userEvent.click(screen.getByRole('button', { name: 'Promote to active' }));
    expect(screen.getByLabelText('Password')).toHaveValue('');
  });

  it('says the run does not exist (404)', async () => {
    seed([]);
    renderApp('/metrics/runs/missing');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not found');
    expect(alert).toHaveTextContent("Run 'missing' not found");
  });
});
