import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';

import { makeRun } from '@/testing/data';
import { seed } from '@/testing/handlers';
import { renderApp } from '@/testing/render';
import { server } from '@/testing/server';

// "Settings vs results" with several settings: parallel coordinates over the runs the API's CSV
// export returns. jsdom draws no pixels (the browser test at 10,000 runs reads those); here the
// axes, the request, picking a line by its position, and brushing.

const runs = [
  makeRun({ run_id: 'low', run_name: 'run-low', params: { 'model.embedding_dim': '10', 'training.optimizer': 'adam' } }),
  makeRun({ run_id: 'mid', run_name: 'run-mid', params: { 'model.embedding_dim': '20', 'training.optimizer': 'sgd' } }),
  makeRun({ run_id: 'top', run_name: 'run-top', params: { 'model.embedding_dim': '30', 'training.optimizer': 'adam' } }),
];
// val_ndcg_at_10 0.1 / 0.2 / 0.3: each axis spans exactly its values (nice ends), so the lines
// sit at the bottom, the middle and the top of the embedding_dim and metric axes.
const TABLE: Record<string, string>[] = [
  { 'params.model.embedding_dim': '10', 'params.training.optimizer': 'adam', 'metrics.val_ndcg_at_10': '0.1' },
  { 'params.model.embedding_dim': '20', 'params.training.optimizer': 'sgd', 'metrics.val_ndcg_at_10': '0.2' },
  { 'params.model.embedding_dim': '30', 'params.training.optimizer': 'adam', 'metrics.val_ndcg_at_10': '0.3' },
  { 'params.model.embedding_dim': '', 'params.training.optimizer': '', 'metrics.val_ndcg_at_10': '0.25' },
].map((values, i) => ({ run_id: ['low', 'mid', 'top', 'none'][i], run_name: `run-${['low', 'mid', 'top', 'none'][i]}`, ...values }));

/** The API's CSV export, with the columns asked for. */
function serveCsv(): URLSearchParams[] {
  const asked: URLSearchParams[] = [];
  server.use(
    http.get('/api/models/runs.csv', ({ request }) => {
      const query = new URL(request.url).searchParams;
      asked.push(query);
      const columns = query.get('columns')!.split(',');
      const lines = [columns, ...TABLE.map((row) => columns.map((column) => row[column]))];
      return new HttpResponse(lines.map((line) => line.join(',')).join('\n'), { headers: { 'Content-Type': 'text/csv' } });
    }),
  );
  return asked;
}

// jsdom has no 2D canvas (it would log "not implemented" on every draw).
beforeEach(() => {
  vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
});
afterEach(() => vi.restoreAllMocks());

async function openParallel() {
  seed(runs);
  const asked = serveCsv();
  const { router } = renderApp('/metrics?q=metrics.val_ndcg_at_10%20%3E%200');
  await userEvent.click(await screen.findByRole('button', { name: 'Settings vs results' }));
  const chart = await screen.findByTestId('settings-chart');
  await userEvent.click(within(chart).getByRole('button', { name: 'Several settings' }));
  // Start from one setting: untick the defaults, tick embedding_dim.
  const picker = within(chart).getByRole('group', { name: 'Settings drawn as axes' });
  for (const box of within(picker).getAllByRole('checkbox')) if ((box as HTMLInputElement).checked) await userEvent.click(box);
  expect(within(chart).getByText('Pick at least one setting to draw as an axis.')).toBeInTheDocument();
  await userEvent.click(within(picker).getByLabelText('model.embedding_dim'));
  const lines = await within(chart).findByTestId('parallel-lines');
  const [param, metric] = within(chart).getAllByTestId('parallel-axis');
  const at = (axis: Element, share: number) => {
    const y1 = Number(axis.getAttribute('y1'));
    const y2 = Number(axis.getAttribute('y2'));
    return { x: Number(axis.getAttribute('x1')), y: y2 - share * (y2 - y1) }; // share 0: bottom, 1: top
  };
  return { chart, lines, param, metric, at, asked, router };
}

describe('parallel coordinates of settings against a result', () => {
  it('asks the export for the chosen settings and the metric, and draws each run with every value', async () => {
    const { chart, lines, param, metric, asked } = await openParallel();
    const last = asked.at(-1)!;
    expect(last.get('columns')).toBe('run_id,run_name,params.model.embedding_dim,metrics.val_ndcg_at_10');
    expect(last.get('q')).toBe('metrics.val_ndcg_at_10 > 0'); // the dashboard's filter
    expect(lines).toHaveAttribute('data-lines', '3');
    expect(within(chart).getByTestId('settings-chart-count')).toHaveTextContent('3 runs drawn · 1 without every value');
    expect(param).toHaveAttribute('data-column', 'params.model.embedding_dim');
    expect(metric).toHaveAttribute('data-column', 'metrics.val_ndcg_at_10'); // the result, last
  });

  it('adds an axis per setting ticked, in the order picked', async () => {
    const { chart, asked } = await openParallel();
    const picker = within(chart).getByRole('group', { name: 'Settings drawn as axes' });
    await userEvent.click(within(picker).getByLabelText('training.optimizer'));
    await waitFor(() =>
      expect(asked.at(-1)!.get('columns')).toBe(
        'run_id,run_name,params.model.embedding_dim,params.training.optimizer,metrics.val_ndcg_at_10',
      ),
    );
  });

  it('names the run under the pointer and opens it on a click', async () => {
    const { chart, lines, metric, at, router } = await openParallel();
    const top = at(metric, 1);
    fireEvent.mouseMove(lines, { clientX: top.x, clientY: top.y });
    const tooltip = await within(chart).findByTestId('parallel-tooltip');
    expect(tooltip).toHaveAttribute('data-run-id', 'top');
    expect(tooltip).toHaveTextContent('run-top · model.embedding_dim 30 · Val NDCG@10 0.3000');
    fireEvent.mouseDown(lines, { clientX: top.x, clientY: top.y });
    fireEvent.mouseUp(lines, { clientX: top.x, clientY: top.y });
    fireEvent.click(lines, { clientX: top.x, clientY: top.y });
    await waitFor(() => expect(router.state.location.pathname).toBe('/metrics/runs/top'));
  });

  it('keeps only the runs inside a range dragged along an axis, until the axis is clicked', async () => {
    const { chart, lines, param, metric, at, router } = await openParallel();
    // The middle run's line is flat, halfway up: between the axes, at half height.
    const middle = { x: (at(param, 0.5).x + at(metric, 0.5).x) / 2, y: at(metric, 0.5).y };
    const from = at(metric, 1);
    const to = at(metric, 0.75);
    fireEvent.mouseDown(lines, { clientX: from.x, clientY: from.y });
    fireEvent.mouseMove(lines, { clientX: to.x, clientY: to.y });
    fireEvent.mouseUp(lines, { clientX: to.x, clientY: to.y });
    fireEvent.click(lines, { clientX: to.x, clientY: to.y }); // ends the drag; opens nothing
    expect(within(chart).getByTestId('parallel-kept')).toHaveTextContent('1 of 3 runs inside the brushed ranges');
    expect(router.state.location.pathname).toBe('/metrics');

    fireEvent.click(lines, { clientX: middle.x, clientY: middle.y }); // brushed away: not picked
    expect(router.state.location.pathname).toBe('/metrics');

    fireEvent.mouseDown(lines, { clientX: from.x, clientY: from.y }); // a click on the axis clears
    fireEvent.mouseUp(lines, { clientX: from.x, clientY: from.y });
    fireEvent.click(lines, { clientX: from.x, clientY: from.y });
    expect(within(chart).getByTestId('parallel-kept')).toHaveTextContent('Drag along an axis');

    fireEvent.click(lines, { clientX: middle.x, clientY: middle.y });
    await waitFor(() => expect(router.state.location.pathname).toBe('/metrics/runs/mid'));
  });
});
