import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { IDLE_LIST_INTERVAL_MS, isLive, LIVE_INTERVAL_MS } from '@/lib/live';
import type { Run, RunFilters, RunsResponse } from '@/types/api';

export const RUNS_PAGE_SIZE = 100;

export type RunsPage = { runs: Run[]; count: number; total: number; nextPageToken: string | null };

export const getRuns = async (
  filters: RunFilters,
  orderBy: string,
  pageToken?: string,
  signal?: AbortSignal,
): Promise<RunsPage> => {
  const response = await api.get<Run[], RunsResponse>(
    '/models/runs',
    { ...filters, order_by: orderBy, limit: RUNS_PAGE_SIZE, page_token: pageToken },
    signal,
  );
  return {
    runs: response.data,
    count: response.count,
    total: response.total,
    nextPageToken: response.next_page_token,
  };
};

export const getRunsQueryOptions = (filters: RunFilters, orderBy: string) =>
  infiniteQueryOptions({
    queryKey: ['runs', 'list', filters, orderBy],
    queryFn: ({ pageParam, signal }) => getRuns(filters, orderBy, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
    // New runs appear and running ones move on without a reload: faster while one is running.
    refetchInterval: (query) =>
      query.state.data?.pages.some((page) => page.runs.some(isLive)) ? LIVE_INTERVAL_MS : IDLE_LIST_INTERVAL_MS,
  });

export const useRuns = (filters: RunFilters, orderBy: string) =>
  useInfiniteQuery(getRunsQueryOptions(filters, orderBy));
