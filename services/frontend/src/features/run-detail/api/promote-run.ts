import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { PromotionResult } from '@/types/api';

export const promoteRun = async (runId: string, token: string): Promise<PromotionResult> =>
  (await api.post<PromotionResult>(`/models/runs/${encodeURIComponent(runId)}/promote`, {}, token)).data;

export const usePromoteRun = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ runId, token }: { runId: string; token: string }) => promoteRun(runId, token),
    // Promotion changes two runs' badges (new and previous active) and the summary.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['runs'] }),
  });
};
