import type { Run } from '@/types/api';

export function mlflowRunUrl(baseUrl: string | null | undefined, run: Pick<Run, 'experiment_id' | 'run_id'>) {
  if (!baseUrl) return null;
  return `${baseUrl.replace(/\/$/, '')}/#/experiments/${run.experiment_id}/runs/${run.run_id}`;
}
