import {
  http,
  HttpResponse,
  type DefaultBodyType,
  type HttpResponseResolver,
  type JsonBodyType,
  type PathParams,
} from 'msw';

import type { components, paths } from '@/api/schema';
import type { Run } from '@/types/api';

import { makeRun, MOVIES, recommend, summarize, withHistory } from './data';

type Route = keyof paths;
type Method = 'get' | 'post';
/** The JSON a route answers 200 with, per the types generated from the API's OpenAPI document. */
export type OkBody<R extends Route, M extends Method> = paths[R][M] extends {
  responses: { 200: { content: { 'application/json': infer Body } } };
}
  ? Body
  : never;
type ErrorBody = components['schemas']['ErrorResponse'];
type Resolver<R extends Route, M extends Method> = HttpResponseResolver<
  PathParams,
  DefaultBodyType,
  Extract<OkBody<R, M> | ErrorBody, DefaultBodyType>
>;

/** `/api/models/runs/{run_id}` (OpenAPI) -> `/api/models/runs/:run_id` (MSW). */
const mswPath = (route: string) => route.replace(/\{(\w+)\}/g, ':$1');

/** Fake routes named by the contract's own paths, answering only bodies the contract allows:
 *  a fake that drifts from the API fails `tsc` like the dashboard would. */
export const fakeApi = {
  get: <R extends Route>(route: R, resolver: Resolver<R, 'get'>) => http.get(mswPath(route), resolver),
  post: <R extends Route>(route: R, resolver: Resolver<R, 'post'>) => http.post(mswPath(route), resolver),
};

/** What the fake API holds; tests replace it to set up a scene. */
export const db: { runs: Run[] } = { runs: [] };

export function seed(runs: Run[]) {
  db.runs = runs;
}

/** When the fake's snapshot was refreshed (ms epoch). */
export const REFRESHED_AT = Date.UTC(2025, 0, 2);

export const ok = <T extends JsonBodyType, Extra extends Record<string, JsonBodyType> = Record<never, never>>(
  data: T,
  extra?: Extra,
) => HttpResponse.json<{ success: true; data: T } & Extra>({ success: true, data, ...(extra as Extra) });

/** An error answer; `position`: where a bad search query went wrong. */
export const fail = (status: number, error: string, position?: number) =>
  HttpResponse.json<ErrorBody>({ success: false, error, ...(position === undefined ? {} : { position }) }, { status });

/** The runs page's envelope around `runs` (one page, fresh snapshot) unless told otherwise. */
export const runsPage = (runs: Run[], extra: { total?: number; next_page_token?: string | null } = {}) =>
  ok(runs, { count: runs.length, total: runs.length, next_page_token: null, stale: false, refreshed_at: REFRESHED_AT, ...extra });

/** The fake recommender: 404s as the API's (unknown run, a run that logged no model). */
function recommendationsOf(runId: string, viewer: { userId: number } | { history: number[] }, k: number) {
  const index = db.runs.findIndex((run) => run.run_id === runId);
  if (index < 0) return fail(404, `unknown run ${runId} (or not readable by this service)`);
  if (!db.runs[index].tags.model_sha256) return fail(404, `run ${runId} logged no model to recommend with`);
  return ok(recommend(index, db.runs[index], viewer, k));
}

export const handlers = [
  fakeApi.get('/api/health', () =>
    ok({
      status: 'ok' as const,
      mlflow: { reachable: true, tracking_uri: 'http://mlflow:5000' },
      experiment: 'movie-genie-models',
      mlflow_ui_url: 'http://mlflow.example:5000',
    }),
  ),
  fakeApi.get('/api/models/summary', () =>
    ok(summarize(db.runs), { stale: false, refreshed_at: REFRESHED_AT }),
  ),
  fakeApi.get('/api/models/runs', ({ request }) => {
    const query = new URL(request.url).searchParams;
    const runs = db.runs.filter(
      (run) =>
        (!query.get('model_type') || run.model_type === query.get('model_type')) &&
        (!query.get('model_name') || run.model_name === query.get('model_name')) &&
        (!query.get('status') || run.model_status === query.get('status')),
    );
    return runsPage(runs);
  }),
  fakeApi.get('/api/models/runs/{run_id}', ({ params }) => {
    const run = db.runs.find((r) => r.run_id === params.run_id);
    return run ? ok(run) : fail(404, `Run '${params.run_id}' not found`);
  }),
  fakeApi.get('/api/models/runs/{run_id}/metrics/{name}/history', ({ params }) => {
    const run = db.runs.find((r) => r.run_id === params.run_id);
    if (!run) return fail(404, `Run '${params.run_id}' not found`);
    const points = withHistory(run).history[params.name as string];
    if (!(String(params.name) in run.metrics) || !points)
      return fail(404, `metric '${params.name}' not logged for run ${params.run_id}`);
    return ok(points, { count: points.length });
  }),
  fakeApi.get('/api/models/runs/{run_id}/recommendations', ({ params, request }) => {
    const query = new URL(request.url).searchParams;
    const userId = Number(query.get('user_id'));
    if (userId >= 1000) return fail(404, `unknown user ${userId} (not in the evaluation data)`);
    return recommendationsOf(String(params.run_id), { userId }, Number(query.get('k') ?? 10));
  }),
  fakeApi.post('/api/models/runs/{run_id}/recommendations', async ({ params, request }) => {
    const body = (await request.json()) as components['schemas']['RecommendationsRequest'];
    const unknown = body.history.find((id) => !MOVIES.some((movie) => movie.movie_id === id));
    if (unknown !== undefined) return fail(400, `unknown movie id ${unknown}`);
    return recommendationsOf(String(params.run_id), { history: body.history }, body.k ?? 10);
  }),
  fakeApi.get('/api/movies', ({ request }) => {
    const q = (new URL(request.url).searchParams.get('q') ?? '').toLowerCase();
    const found = MOVIES.filter((movie) => movie.title.toLowerCase().includes(q)).slice(0, 20);
    return ok(found, { count: found.length });
  }),
  // No promotion recorded yet; tests that need a history replace this.
  fakeApi.get('/api/models/champions/{model_name}/history', ({ params }) =>
    ok(
      { registered_model: `movie-genie-${String(params.model_name)}`, current_version: null, changes: [] },
      { count: 0 },
    ),
  ),
  fakeApi.post('/api/models/compare', async ({ request }) => {
    const body = (await request.json()) as components['schemas']['CompareRequest'];
    const missing = body.run_ids.filter((id) => !db.runs.some((run) => run.run_id === id));
    if (missing.length) return fail(404, `Run '${missing[0]}' not found`);
    const runs = body.run_ids.map((id) => withHistory(db.runs.find((run) => run.run_id === id)!));
    return ok(runs, { count: runs.length });
  }),
];

export { makeRun };
