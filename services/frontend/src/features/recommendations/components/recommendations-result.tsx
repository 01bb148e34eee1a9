import { ErrorState } from '@/components/ui/error-state';
import { LoadingBlock, Skeleton } from '@/components/ui/skeleton';

import { useRecommendations, type Viewer } from '../api/get-recommendations';

import { HistoryList, movieLabel, RankedList } from './movie-lists';
import { isNoModelError, NoModel } from './no-model';

/** One run's answer for one viewer: their last movies beside the run's top-k. */
export function RecommendationsResult({ runId, viewer }: { runId: string; viewer: Viewer | null }) {
  const query = useRecommendations(runId, viewer);
  if (viewer === null)
    return <p className="text-sm text-slate-500">Pick a user, or build a history, to see what this run recommends.</p>;
  if (query.isPending)
    return (
      <LoadingBlock label="Loading recommendations">
        <Skeleton className="h-64" />
      </LoadingBlock>
    );
  if (query.isError)
    return isNoModelError(query.error) ? (
      <NoModel detail={query.error.message} />
    ) : (
      <ErrorState error={query.error} onRetry={() => query.refetch()} />
    );

  const answer = query.data;
  const next = answer.watched_next;
  const hit = next && answer.recommendations.find((movie) => movie.movie_id === next.movie_id);
  return (
    <div className="space-y-3">
      {next && (
        <p data-testid="watched-next" className="text-sm text-slate-700">
          Watched next (held out from the history): <strong>{movieLabel(next)}</strong> —{' '}
          {hit ? `recommended at rank ${hit.rank}.` : `not in this top ${answer.k}.`}
        </p>
      )}
      <div className="grid gap-4 md:grid-cols-2">
        <HistoryList movies={answer.history} total={answer.history_length} />
        <RankedList movies={answer.recommendations} />
      </div>
    </div>
  );
}
