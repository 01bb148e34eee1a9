import { ApiError } from '@/lib/api-client';
import type { Run } from '@/types/api';

/** Set on a run when training logged its model (its digest): runs without it (the baselines
 *  that register nothing, a failed or still running run) have nothing to try. */
const MODEL_DIGEST_TAG = 'model_sha256';

export const hasModel = (run: Run) => Boolean(run.tags[MODEL_DIGEST_TAG]);

/** The API's 404 for a run whose model cannot be found (e.g. logged by an older trainer). */
export const isNoModelError = (error: unknown) =>
  error instanceof ApiError && error.status === 404 && /no model/i.test(error.message);

export function NoModel({ run, detail }: { run?: Run; detail?: string }) {
  const running = run?.status === 'RUNNING';
  return (
    <div data-testid="no-model" className="rounded-md border border-dashed border-slate-300 p-4 text-sm text-slate-600">
      <p className="font-medium text-slate-800">{running ? 'No model yet' : 'No model to try'}</p>
      <p className="mt-1">
        {detail ??
          (running
            ? 'The run logs its model when training ends; try it then.'
            : 'This run logged no model (baselines without a registered model, failed runs), so it cannot recommend.')}
      </p>
    </div>
  );
}
