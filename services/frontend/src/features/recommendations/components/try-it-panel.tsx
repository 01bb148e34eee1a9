import type { Run } from '@/types/api';

import { useViewer } from '../hooks/use-viewer';

import { hasModel, NoModel } from './no-model';
import { RecommendationsResult } from './recommendations-result';
import { ViewerPicker } from './viewer-picker';

/** "Try it" on a run's page: what the run's model recommends, to a user or a made-up viewer. */
export function TryItPanel({ run }: { run: Run }) {
  const { viewer, userId, pick } = useViewer();
  return (
    <section aria-label="Try it" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div>
        <h2 className="font-semibold">Try it</h2>
        <p className="text-sm text-slate-600">What this run&apos;s model recommends, and to whom.</p>
      </div>
      {hasModel(run) ? (
        <>
          <ViewerPicker userId={userId} onPick={pick} />
          <RecommendationsResult runId={run.run_id} viewer={viewer} />
        </>
      ) : (
        <NoModel run={run} />
      )}
    </section>
  );
}
