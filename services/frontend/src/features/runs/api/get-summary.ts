import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { Summary } from '@/types/api';

// The best run per type is picked on validation; test is only reported (issue 12).
export const SUMMARY_METRIC = 'val_ndcg_at_10';

export const getSummary = async (metric = SUMMARY_METRIC): Promise<Summary> =>
  (await api.get<Summary>('/models/summary', { metric })).data;

export const getSummaryQueryOptions = (metric = SUMMARY_METRIC) =>
  queryOptions({ queryKey: ['runs', 'summary', metric], queryFn: () => getSummary(metric) });

export const useSummary = (metric = SUMMARY_METRIC) => useQuery(getSummaryQueryOptions(metric));
