import type { Movie, RecommendedMovie } from '@/types/api';

const scoreFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 3, minimumFractionDigits: 3 });

/** The title without the year MovieLens writes into it ("Toy Story (1995)"): the year is a
 *  field of its own, shown once. */
export const bareTitle = (movie: Movie) =>
  movie.year === null ? movie.title : movie.title.replace(new RegExp(`\\s*\\(${movie.year}\\)\\s*$`), '');

/** "Toy Story (1995)", whether or not the title carries its year. */
export const movieLabel = (movie: Movie) => `${bareTitle(movie)}${movie.year === null ? '' : ` (${movie.year})`}`;

function MovieLine({ movie }: { movie: Movie }) {
  return (
    <>
      <span className="font-medium text-slate-900" data-testid="movie-title">{bareTitle(movie)}</span>
      {movie.year !== null && <span className="text-slate-500"> ({movie.year})</span>}
      <span className="block text-xs text-slate-500">{movie.genres.join(' · ') || 'no genre listed'}</span>
    </>
  );
}

/** The viewer's last movies, latest first. */
export function HistoryList({ movies, total }: { movies: Movie[]; total: number }) {
  return (
    <div data-testid="history-list">
      <h3 className="text-sm font-semibold text-slate-700">
        Last {movies.length} movies watched <span className="font-normal text-slate-500">(of {total}, latest first)</span>
      </h3>
      <ol className="mt-2 space-y-1.5 text-sm">
        {movies.map((movie) => (
          <li key={movie.movie_id}><MovieLine movie={movie} /></li>
        ))}
      </ol>
    </div>
  );
}

/** A run's top-k in rank order. `sharedBy`: per movie id, how many of the compared runs
 *  recommend it; movies that several runs recommend are marked. */
export function RankedList({
  movies,
  sharedBy,
  title = `Top ${movies.length} recommended`,
}: {
  movies: RecommendedMovie[];
  sharedBy?: Map<number, number>;
  title?: string;
}) {
  return (
    <div data-testid="recommendation-list">
      <h3 className="text-sm font-semibold text-slate-700">{title}</h3>
      <ol className="mt-2 space-y-1.5 text-sm">
        {movies.map((movie) => {
          const shared = sharedBy?.get(movie.movie_id) ?? 0;
          return (
            <li
              key={movie.movie_id}
              data-testid="recommended-movie"
              data-watched-next={movie.watched_next}
              data-shared={shared > 1}
              className={`flex gap-2 rounded-md px-1.5 py-1 ${
                movie.watched_next ? 'bg-emerald-50 ring-1 ring-emerald-300' : shared > 1 ? 'bg-amber-50' : ''
              }`}
            >
              <span className="w-6 shrink-0 text-right font-mono text-xs leading-5 text-slate-500">{movie.rank}</span>
              <div className="min-w-0 flex-1">
                <MovieLine movie={movie} />
                <span className="mt-0.5 flex flex-wrap gap-1 text-xs">
                  {movie.watched_next && (
                    <span className="rounded bg-emerald-600 px-1.5 font-medium text-white">watched next</span>
                  )}
                  {shared > 1 && (
                    <span className="rounded bg-amber-200 px-1.5 font-medium text-amber-900">in {shared} runs</span>
                  )}
                </span>
              </div>
              <span className="shrink-0 font-mono text-xs leading-5 text-slate-600" title="score">
                {scoreFormat.format(movie.score)}
              </span>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
