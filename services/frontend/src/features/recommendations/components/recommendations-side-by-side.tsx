import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';
import type { Recommendations, Run } from '@/types/api';

import { useRecommendationsOfRuns } from '../api/get-recommendations';
import { useViewer } from '../hooks/use-viewer';

import { HistoryList, RankedList } from './movie-lists';
import { hasModel, isNoModelError, NoModel } from './no-model';
import { ViewerPicker } from './viewer-picker';

/** Per movie id, how many of the answers recommend it. */
export function countShared(answers: Recommendations[]): Map<number, number> {
  const counts = new Map<number, number>();
  for (const answer of answers)
    for (const movie of answer.recommendations) counts.set(movie.movie_id, (counts.get(movie.movie_id) ?? 0) + 1);
  return counts;
}

/** Compare's recommendations: the same viewer across the selected runs, one column per run,
 *  with the movies that several runs recommend marked. */
export function RecommendationsSideBySide({ runs }: { runs: Run[] }) {
  const { viewer, userId, pick } = useViewer();
  const withModel = runs.filter(hasModel);
  const queries = useRecommendationsOfRuns(withModel.map((run) => run.run_id), viewer);
  const answers = queries.flatMap((query) => (query.data ? [query.data] : []));
  const shared = countShared(answers);
  const byRun = new Map(withModel.map((run, index) => [run.run_id, queries[index]]));
  const first = answers[0];

  return (
    <section aria-label="Recommendations side by side" className="space-y-4 rounded-lg border border-slate-200 bg-white p-4">
      <ViewerPicker userId={userId} onPick={pick} />
      {viewer === null ? (
        <p className="text-sm text-slate-500">Pick a user, or build a history, to see each run&apos;s top 10 side by side.</p>
      ) : (
        <>
          {first && <HistoryList movies={first.history} total={first.history_length} />}
          <p className="text-xs text-slate-500">
            <span className="rounded bg-amber-200 px-1.5 font-medium text-amber-900">in N runs</span> marks a movie
            that N of these runs recommend; <span className="rounded bg-emerald-600 px-1.5 font-medium text-white">watched next</span>{' '}
            the user&apos;s held-out movie.
          </p>
          <div className="overflow-x-auto">
          <div className="grid gap-4" style={{ gridTemplateColumns: `repeat(${runs.length}, minmax(14rem, 1fr))` }}>
            {runs.map((run) => {
              const query = byRun.get(run.run_id);
              return (
                <div key={run.run_id} data-testid="run-recommendations" data-run-id={run.run_id} className="min-w-0 space-y-2">
                  <h3 className="truncate font-semibold" title={run.run_name ?? run.run_id}>
                    {run.run_name || run.run_id}
                    <span className="block text-xs font-normal text-slate-500">{run.model_name}</span>
                  </h3>
                  {!query ? (
                    <NoModel run={run} />
                  ) : query.isPending ? (
                    <LoadingBlock label={`Loading ${run.run_name ?? run.run_id}'s recommendations`}>
                      <Skeleton className="h-64" />
                    </LoadingBlock>
                  ) : query.isError ? (
                    isNoModelError(query.error) ? (
                      <NoModel detail={query.error.message} />
                    ) : (
                      <ErrorState error={query.error} onRetry={() => query.refetch()} />
                    )
                  ) : (
                    <RankedList movies={query.data.recommendations} sharedBy={shared} />
                  )}
                </div>
              );
            })}
          </div>
          </div>
        </>
      )}
    </section>
  );
}
