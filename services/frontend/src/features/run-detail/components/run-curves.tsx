import { useQueryClient } from '@tanstack/react-query';
import { lazy, Suspense, useEffect, useRef } from 'react';

import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import { formatMetric, metricLabel } from '@/lib/format';
import { testBeside, TRAINING_CURVES } from '@/lib/key-metrics';
import { isLive } from '@/lib/live';
import type { Run } from '@/types/api';

import { useMetricHistory } from '../api/get-metric-history';

const CurveChart = lazy(() => import('@/components/charts/curve-chart'));

const placeholder = (
  <LoadingBlock label="Loading curve">
    <Skeleton className="h-72" />
  </LoadingBlock>
);

function RunCurve({ run, metric }: { run: Run; metric: string }) {
  const history = useMetricHistory(run.run_id, metric, isLive(run));
  if (history.isPending) return placeholder;
  if (history.isError) return <ErrorState error={history.error} onRetry={() => history.refetch()} />;
  const test = testBeside(metric);
  return (
    <figure className="space-y-1">
      <Suspense fallback={placeholder}>
        <CurveChart metric={metric} runs={[{ ...run, history: { [metric]: history.data } }]} logScale={false} />
      </Suspense>
      {test && (
        <figcaption className="text-sm text-muted-foreground" data-testid={`test-beside-${metric}`}>
          {metricLabel(test)} on test (read once, at the best epoch): {formatMetric(test, run.metrics[test])}
        </figcaption>
      )}
    </figure>
  );
}

/** This run's per-epoch curves; only metrics it logged are asked for (others would be 404s). */
export function RunCurves({ run }: { run: Run }) {
  // The curves stop polling when the run ends: read them once more for the last epochs.
  const queryClient = useQueryClient();
  const live = isLive(run);
  const wasLive = useRef(live);
  useEffect(() => {
    if (wasLive.current && !live) void queryClient.invalidateQueries({ queryKey: ['runs', 'history', run.run_id] });
    wasLive.current = live;
  }, [live, queryClient, run.run_id]);
  const logged = TRAINING_CURVES.filter((metric) => metric in run.metrics);
  if (!logged.length) return null;
  return (
    <section aria-label="Training curves" className="grid gap-4 lg:grid-cols-2">
      {logged.map((metric) => <RunCurve key={metric} run={run} metric={metric} />)}
    </section>
  );
}
