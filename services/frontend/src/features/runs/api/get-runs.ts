import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api, apiUrl } from '@/lib/api-client';
import { takeEarlyAnswer } from '@/lib/early-requests';
import { IDLE_LIST_INTERVAL_MS, isLive, LIVE_INTERVAL_MS } from '@/lib/live';
import type { Run, RunFilters, RunsResponse } from '@/types/api';

export const RUNS_PAGE_SIZE = 100;

export type RunsPage = { runs: Run[]; count: number; total: number; nextPageToken: string | null };

const RUNS_PATH = '/models/runs';

const runsParams = (filters: RunFilters, orderBy: string, pageToken?: string) => ({
  ...filters,
  order_by: orderBy,
  limit: RUNS_PAGE_SIZE,
  page_token: pageToken,
});

const toPage = (response: RunsResponse): RunsPage => ({
  runs: response.data,
  count: response.count,
  total: response.total,
  nextPageToken: response.next_page_token,
});

export const getRuns = async (
  filters: RunFilters,
  orderBy: string,
  pageToken?: string,
  signal?: AbortSignal,
): Promise<RunsPage> =>
  toPage(await api.get<Run[], RunsResponse>(RUNS_PATH, runsParams(filters, orderBy, pageToken), signal));

/** The first page index.html's inline script already read for exactly this request, if any. */
function earlyFirstPage(filters: RunFilters, orderBy: string) {
  const answer = takeEarlyAnswer(apiUrl(RUNS_PATH, runsParams(filters, orderBy)));
  if (!answer) return undefined;
  return { pages: [toPage(answer.body as RunsResponse)], pageParams: [undefined], at: answer.at };
}

export const getRunsQueryOptions = (filters: RunFilters, orderBy: string) => {
  let early: ReturnType<typeof earlyFirstPage>;
  return infiniteQueryOptions({
    queryKey: ['runs', 'list', filters, orderBy],
    queryFn: ({ pageParam, signal }) => getRuns(filters, orderBy, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
    // Read once, when the query is first made: the early answer is then drawn in the first
    // render, and counts as fetched when it landed (fresh for the usual staleTime).
    initialData: () => {
      early = earlyFirstPage(filters, orderBy);
      return early && { pages: early.pages, pageParams: early.pageParams };
    },
    initialDataUpdatedAt: () => early?.at,
    // New runs appear and running ones move on without a reload: faster while one is running.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.runs.some(isLive)) ? LIVE_INTERVAL_MS : IDLE_LIST_INTERVAL_MS,
  });
};

export const useRuns = (filters: RunFilters, orderBy: string) =>
  useInfiniteQuery(getRunsQueryOptions(filters, orderBy));
