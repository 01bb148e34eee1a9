import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { Run } from '@/types/api';

export const getRun = async (runId: string): Promise<Run> =>
  (await api.get<Run>(`/models/runs/${encodeURIComponent(runId)}`)).data;

export const getRunQueryOptions = (runId: string) =>
  queryOptions({ queryKey: ['runs', 'detail', runId], queryFn: () => getRun(runId) });

export const useRun = (runId: string) => useQuery(getRunQueryOptions(runId));
