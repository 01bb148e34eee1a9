import { http, HttpResponse } from 'msw';

import type { Run } from '@/types/api';

import { makeRun, summarize, withHistory } from './data';

/** What the fake API holds; tests replace it to set up a scene. */
export const db: { runs: Run[] } = { runs: [] };

export function seed(runs: Run[]) {
  db.runs = runs;
}

export const ok = <T,>(data: T, extra: Record<string, unknown> = {}) =>
  HttpResponse.json({ success: true, data, ...extra });

export const fail = (status: number, error: string) =>
  HttpResponse.json({ success: false, error }, { status });

export const handlers = [
  http.get('/api/health', () =>
    ok({
      status: 'ok',
      mlflow: { reachable: true, tracking_uri: 'http://mlflow:5000' },
      experiment: 'movie-genie-models',
      mlflow_ui_url: 'http://mlflow.example:5000',
    }),
  ),
  http.get('/api/models/summary', () => ok(summarize(db.runs))),
  http.get('/api/models/runs', ({ request }) => {
    const query = new URL(request.url).searchParams;
    const runs = db.runs.filter(
      (run) =>
        (!query.get('model_type') || run.model_type === query.get('model_type')) &&
        (!query.get('model_name') || run.model_name === query.get('model_name')) &&
        (!query.get('status') || run.model_status === query.get('status')),
    );
    return ok(runs, { count: runs.length, total: runs.length, next_page_token: null });
  }),
  http.get('/api/models/runs/:runId', ({ params }) => {
    const run = db.runs.find((r) => r.run_id === params.runId);
    return run ? ok(run) : fail(404, `Run '${params.runId}' not found`);
  }),
  http.get('/api/models/runs/:runId/metrics/:metric/history', ({ params }) => {
    const run = db.runs.find((r) => r.run_id === params.runId);
    if (!run) return fail(404, `Run '${params.runId}' not found`);
    const points = withHistory(run).history[params.metric as string];
    if (!(String(params.metric) in run.metrics) || !points)
      return fail(404, `metric '${params.metric}' not logged for run ${params.runId}`);
    return ok(points, { count: points.length });
  }),
  http.post('/api/models/compare', async ({ request }) => {
    const body = (await request.json()) as { run_ids: string[] };
    const missing = body.run_ids.filter((id) => !db.runs.some((run) => run.run_id === id));
    if (missing.length) return fail(404, `Run '${missing[0]}' not found`);
    return ok(body.run_ids.map((id) => withHistory(db.runs.find((run) => run.run_id === id)!)));
  }),
];

export { makeRun };
