import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import { IDLE_LIST_INTERVAL_MS, LIVE_INTERVAL_MS } from '@/lib/live';
import type { RunFilters, Summary } from '@/types/api';

// The best run per type is picked on validation; test is only reported (issue 12).
export const SUMMARY_METRIC = 'val_ndcg_at_10';

/** The summary of the runs the filters (and search) select; no filters: every run. */
export const getSummary = async (filters: RunFilters = {}, metric = SUMMARY_METRIC): Promise<Summary> =>
  (await api.get<Summary>('/models/summary', { ...filters, metric })).data;

export const getSummaryQueryOptions = (filters: RunFilters = {}, metric = SUMMARY_METRIC) =>
  queryOptions({
    queryKey: ['runs', 'summary', metric, filters],
    queryFn: () => getSummary(filters, metric),
    // Counts follow the runs list as runs start and end.
    refetchInterval: (query) =>
      query.state.data?.counts_by_status.running ? LIVE_INTERVAL_MS : IDLE_LIST_INTERVAL_MS,
  });

export const useSummary = (filters: RunFilters = {}, metric = SUMMARY_METRIC) =>
  useQuery(getSummaryQueryOptions(filters, metric));
