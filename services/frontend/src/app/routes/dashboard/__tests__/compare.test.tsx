import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';

import { makeRun } from '@/testing/data';
import { seed } from '@/testing/handlers';
import { currentSearch, renderApp } from '@/testing/render';

function seedPair() {
  seed([
    makeRun({ run_id: 'a', run_name: 'two-tower-A', params: { 'model.embedding_dim': '64', 'training.epochs': '3' } }),
    makeRun({ run_id: 'b', run_name: 'two-tower-B', params: { 'model.embedding_dim': '128', 'training.epochs': '3' } }),
  ]);
}

describe('compare view', () => {
  it('metrics tab draws grouped bar charts with one bar series per run', async () => {
    seedPair();
    const { container } = renderApp('/metrics/compare?runs=a,b');
    const charts = await screen.findAllByTestId('metric-bar-chart');
    expect(charts.map((chart) => within(chart).getByText(/Recall|NDCG|Coverage/, { selector: 'figcaption' }).textContent))
      .toEqual(['Recall', 'NDCG', 'Coverage']);
    // One bar per run per metric group: 3 metrics × 2 runs in each chart.
    await waitFor(() => expect(charts[0].querySelectorAll('.recharts-bar-rectangle')).toHaveLength(6));
    expect(within(charts[0]).getByText('two-tower-B')).toBeInTheDocument();
    expect(container.querySelectorAll('.recharts-bar-rectangle').length).toBe(18);
  });

  it('training tab overlays loss and learning-rate curves per run, with a log-scale toggle in the URL', async () => {
    seedPair();
    const { router } = renderApp('/metrics/compare?runs=a,b&tab=training');
    const trainLoss = await screen.findByTestId('curve-chart-train_loss');
    await screen.findByTestId('curve-chart-learning_rate');
    // Two runs × three epochs.
    await waitFor(() => expect(trainLoss.querySelectorAll('.recharts-line-dot')).toHaveLength(6));
    expect(within(trainLoss).getByText('two-tower-A')).toBeInTheDocument();

    await userEvent.click(screen.getByLabelText('Log scale'));
    expect(currentSearch(router).get('log')).toBe('1');
    expect(screen.getByLabelText('Log scale')).toBeChecked();
  });

  it('parameters tab shows runs side by side and highlights the values that differ', async () => {
    seedPair();
    renderApp('/metrics/compare?runs=a,b&tab=params');
    const differing = (await screen.findByRole('rowheader', { name: 'model.embedding_dim' })).closest('tr')!;
    expect(differing).toHaveAttribute('data-differs', 'true');
    expect(within(differing).getByText('128')).toBeInTheDocument();
    const same = screen.getByRole('rowheader', { name: 'training.epochs' }).closest('tr')!;
    expect(same).toHaveAttribute('data-differs', 'false');

    await userEvent.click(screen.getByLabelText('Only parameters that differ'));
    expect(screen.queryByRole('rowheader', { name: 'training.epochs' })).not.toBeInTheDocument();
  });

  it('switching tabs is kept in the URL', async () => {
    seedPair();
    const { router } = renderApp('/metrics/compare?runs=a,b');
    await userEvent.click(await screen.findByRole('tab', { name: 'Parameters' }));
    expect(currentSearch(router).get('tab')).toBe('params');
    expect(screen.getByRole('tab', { name: 'Parameters' })).toHaveAttribute('aria-selected', 'true');
  });

  it('asks for two runs when the URL holds fewer', async () => {
    seedPair();
    renderApp('/metrics/compare?runs=a');
    expect(await screen.findByText('Pick at least two runs to compare')).toBeInTheDocument();
  });

  it('says which run is unknown (404)', async () => {
    seedPair();
    renderApp('/metrics/compare?runs=a,nope');
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('Not found');
    expect(alert).toHaveTextContent("Run 'nope' not found");
  });
});
