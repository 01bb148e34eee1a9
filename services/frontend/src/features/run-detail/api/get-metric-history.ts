import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { LIVE_INTERVAL_MS } from '@/lib/live';
import type { MetricPoint } from '@/types/api';

export const getMetricHistory = async (runId: string, metric: string): Promise<MetricPoint[]> =>
  (
    await api.get<MetricPoint[]>(
      `/models/runs/${encodeURIComponent(runId)}/metrics/${encodeURIComponent(metric)}/history`,
    )
  ).data;

/** `live`: the run is still training, so its curve grows; asked again every few seconds. */
export const getMetricHistoryQueryOptions = (runId: string, metric: string, live = false) =>
  queryOptions({
    queryKey: ['runs', 'history', runId, metric],
    queryFn: () => getMetricHistory(runId, metric),
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
  });

export const useMetricHistory = (runId: string, metric: string, live = false) =>
  useQuery(getMetricHistoryQueryOptions(runId, metric, live));
