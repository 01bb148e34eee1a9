import { queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { Experiment } from '@/types/api';

export const getExperiments = async (): Promise<Experiment[]> =>
  (await api.get<Experiment[]>('/models/experiments')).data;

export const getExperimentsQueryOptions = () =>
  queryOptions({ queryKey: ['experiments'], queryFn: getExperiments, staleTime: 300_000 });

export const useExperiments = () => useQuery(getExperimentsQueryOptions());
