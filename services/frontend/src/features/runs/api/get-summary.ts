import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
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
  });

export const useSummary = (filters: RunFilters = {}, metric = SUMMARY_METRIC) =>
  useQuery(getSummaryQueryOptions(filters, metric));
