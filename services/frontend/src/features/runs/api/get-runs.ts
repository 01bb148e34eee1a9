import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { Run, RunFilters } from '@/types/api';

export const RUNS_PAGE_SIZE = 100;

export type RunsPage = { runs: Run[]; count: number; nextPageToken: string | null };

export const getRuns = async (
  filters: RunFilters,
  pageToken?: string,
  signal?: AbortSignal,
): Promise<RunsPage> => {
  const response = await api.get<Run[]>(
    '/models/runs',
    { ...filters, limit: RUNS_PAGE_SIZE, page_token: pageToken },
    signal,
  );
  return {
    runs: response.data,
    count: response.count ?? response.data.length,
    nextPageToken: response.next_page_token ?? null,
  };
};

export const getRunsQueryOptions = (filters: RunFilters) =>
  infiniteQueryOptions({
    queryKey: ['runs', 'list', filters],
    queryFn: ({ pageParam, signal }) => getRuns(filters, pageParam, signal),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextPageToken ?? undefined,
  });

export const useRuns = (filters: RunFilters) => useInfiniteQuery(getRunsQueryOptions(filters));
