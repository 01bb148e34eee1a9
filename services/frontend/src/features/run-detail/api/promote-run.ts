import { useMutation, useQueryClient } from '@tanstack/react-query';

import { api, basicAuth } from '@/lib/api-client';
import type { PromotionResult } from '@/types/api';

import type { Credentials } from './credentials';

export const promoteRun = async (runId: string, who: Credentials): Promise<PromotionResult> =>
  (
    await api.post<PromotionResult>(
      `/models/runs/${encodeURIComponent(runId)}/promote`,
      {},
      basicAuth(who.username, who.password),
    )
  ).data;

export const usePromoteRun = () => {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ runId, who }: { runId: string; who: Credentials }) => promoteRun(runId, who),
    // Promotion changes two runs' badges (new and previous active) and the summary.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ['runs'] }),
  });
};
