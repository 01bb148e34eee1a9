import { queryOptions, useQueries, useQuery } from '@tanstack/react-query';

import { api, request } from '@/lib/api-client';
import type { Recommendations, RecommendationsRequest } from '@/types/api';

/** Who the recommendations are for: a user of the evaluation data (their history is what the
 *  run was tested with) or a made-up viewer's history of movie ids, oldest first. */
export type Viewer = { userId: number } | { history: number[] };

/** The panel's list length: the top-10 a person can read at a glance. */
export const PREVIEW_K = 10;

const path = (runId: string) => `/models/runs/${encodeURIComponent(runId)}/recommendations`;

export const getRecommendations = async (
  runId: string,
  viewer: Viewer,
  k = PREVIEW_K,
  signal?: AbortSignal,
): Promise<Recommendations> => {
  if ('userId' in viewer) return (await api.get<Recommendations>(path(runId), { user_id: viewer.userId, k }, signal)).data;
  const body: RecommendationsRequest = { history: viewer.history, k };
  return (await request<Recommendations>(path(runId), { method: 'POST', body, signal })).data;
};

export const getRecommendationsQueryOptions = (runId: string, viewer: Viewer, k = PREVIEW_K) =>
  queryOptions({
    // Not under ['runs']: a promotion (which refreshes runs) does not change what a model says.
    queryKey: ['recommendations', runId, viewer, k],
    queryFn: ({ signal }) => getRecommendations(runId, viewer, k, signal),
    // A run's logged model never changes, so neither does its answer to the same viewer.
    staleTime: Infinity,
  });

export const useRecommendations = (runId: string, viewer: Viewer | null) =>
  useQuery({ ...getRecommendationsQueryOptions(runId, viewer ?? { history: [] }), enabled: viewer !== null });

/** The same viewer across several runs (compare), one query per run. */
export const useRecommendationsOfRuns = (runIds: string[], viewer: Viewer | null) =>
  useQueries({
    queries: runIds.map((runId) => ({
      ...getRecommendationsQueryOptions(runId, viewer ?? { history: [] }),
      enabled: viewer !== null,
    })),
  });
