import { queryOptions, useQuery } from '@tanstack/react-query';

import { TRAINING_CURVES } from '@/lib/key-metrics';
import { api } from '@/lib/api-client';
import type { RunWithHistory } from '@/types/api';

export const compareRuns = async (
  runIds: string[],
  historyMetrics: readonly string[] = TRAINING_CURVES,
): Promise<RunWithHistory[]> =>
  (
    await api.post<RunWithHistory[]>('/models/compare', {
      run_ids: runIds,
      history_metrics: historyMetrics,
    })
  ).data;

export const getCompareQueryOptions = (runIds: string[]) =>
  queryOptions({
    queryKey: ['runs', 'compare', runIds],
    queryFn: () => compareRuns(runIds),
    enabled: runIds.length > 0,
  });

export const useCompareRuns = (runIds: string[]) => useQuery(getCompareQueryOptions(runIds));
