import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { isLive, LIVE_INTERVAL_MS } from '@/lib/live';
import type { Run } from '@/types/api';

export const getRun = async (runId: string): Promise<Run> =>
  (await api.get<Run>(`/models/runs/${encodeURIComponent(runId)}`)).data;

export const getRunQueryOptions = (runId: string) =>
  queryOptions({
    queryKey: ['runs', 'detail', runId],
    queryFn: () => getRun(runId),
    // A running run is asked again every few seconds; polling stops once it has ended.
    refetchInterval: (query) => (isLive(query.state.data) ? LIVE_INTERVAL_MS : false),
  });

export const useRun = (runId: string) => useQuery(getRunQueryOptions(runId));
