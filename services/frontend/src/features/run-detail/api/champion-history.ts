import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';

import { api, basicAuth } from '@/lib/api-client';
import type { ChampionHistory, PromotionResult } from '@/types/api';

import type { Credentials } from './credentials';

const championsPath = (modelName: string) => `/models/champions/${encodeURIComponent(modelName)}`;

export const getChampionHistory = async (modelName: string): Promise<ChampionHistory> =>
  (await api.get<ChampionHistory>(`${championsPath(modelName)}/history`)).data;

// Under 'runs': a promotion (which invalidates ['runs']) refreshes the history too.
export const getChampionHistoryQueryOptions = (modelName: string) =>
  queryOptions({
    queryKey: ['runs', 'champions', modelName],
    queryFn: () => getChampionHistory(modelName),
  });

export const useChampionHistory = (modelName: string) => useQuery(getChampionHistoryQueryOptions(modelName));

export const rollBack = async (modelName: string, who: Credentials): Promise<PromotionResult> =>
  (await api.post<PromotionResult>(`${championsPath(modelName)}/rollback`, {}, basicAuth(who.username, who.password)))
    .data;

export const useRollBack = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ modelName, who }: { modelName: string; who: Credentials }) => rollBack(modelName, who),
    // Two runs' badges, the summary and the history change.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['runs'] }),
  });
};
