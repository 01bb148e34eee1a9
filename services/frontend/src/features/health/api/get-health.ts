import { queryOptions, useQuery } from '@tanstack/react-query';

import { env } from '@/config/env';
import { api } from '@/lib/api-client';
import type { Health } from '@/types/api';

export const getHealth = async (): Promise<Health> => (await api.get<Health>('/health')).data;

export const getHealthQueryOptions = () =>
  queryOptions({ queryKey: ['health'], queryFn: getHealth, staleTime: 60_000 });

export const useHealth = () => useQuery(getHealthQueryOptions());

/** The MLflow UI base URL: the build-time override, else what the API reports. */
export function useMlflowUiUrl(): string | null {
  const health = useHealth();
  return env.MLFLOW_UI_URL ?? health.data?.mlflow_ui_url ?? null;
}
