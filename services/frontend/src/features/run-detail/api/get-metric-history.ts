import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { MetricPoint } from '@/types/api';

export const getMetricHistory = async (runId: string, metric: string): Promise<MetricPoint[]> =>
  (
    await api.get<MetricPoint[]>(
      `/models/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(metric)}/history`,
    )
  ).data;

export const getMetricHistoryQueryOptions = (runId: string, metric: string) =>
  queryOptions({
    queryKey: ['runs', 'history', runId, metric],
    queryFn: () => getMetricHistory(runId, metric),
  });

export const useMetricHistory = (runId: string, metric: string) =>
  useQuery(getMetricHistoryQueryOptions(runId, metric));
