import { useState } from 'react';

import { Button } from '@/components/ui/button';
import { ErrorState } from '@/components/ui/error-state';
import { Tabs } from '@/components/ui/tabs';
import { TextField } from '@/components/ui/text-field';
import type { Movie } from '@/types/api';

import type { Viewer } from '../api/get-recommendations';
import { useMovieSearch } from '../api/search-movies';

import { movieLabel } from './movie-lists';

type Mode = 'user' | 'history';
const MODES: { id: Mode; label: string }[] = [
  { id: 'user', label: 'A user' },
  { id: 'history', label: 'A made-up history' },
];

function UserForm({ userId, onPick }: { userId: number | null; onPick: (viewer: Viewer) => void }) {
  const [text, setText] = useState(userId === null ? '' : String(userId));
  return (
    <form
      className="flex flex-wrap items-end gap-2"
      onSubmit={(event) => {
        event.preventDefault();
        onPick({ userId: Number(text) });
      }}
    >
      <TextField
        label="User id"
        type="number"
        required
        min={0}
        step={1}
        inputMode="numeric"
        value={text}
        onChange={(event) => setText(event.target.value)}
        className="w-32"
      />
      <Button type="submit" variant="primary">Show recommendations</Button>
      <p className="w-full text-xs text-slate-500">
        A user of the evaluation data: their history is what the run was tested with, and the movie they watched next is marked.
      </p>
    </form>
  );
}

function HistoryBuilder({ onPick }: { onPick: (viewer: Viewer) => void }) {
  const [text, setText] = useState('');
  const [query, setQuery] = useState('');
  const [picked, setPicked] = useState<Movie[]>([]);
  const search = useMovieSearch(query);
  const add = (movie: Movie) => setPicked((current) => [...current, movie]);
  const remove = (movieId: number) => setPicked((current) => current.filter((m) => m.movie_id !== movieId));

  return (
    <div className="space-y-3">
      <form
        role="search"
        className="flex flex-wrap items-end gap-2"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery(text.trim());
        }}
      >
        <TextField
          label="Find a title"
          type="search"
          required
          maxLength={200}
          value={text}
          onChange={(event) => setText(event.target.value)}
          placeholder="e.g. star wars"
          className="w-64"
        />
        <Button type="submit">Find</Button>
      </form>

      {search.isError && <ErrorState error={search.error} onRetry={() => search.refetch()} />}
      {search.isSuccess && (
        <ul aria-label="Matching titles" className="max-h-56 divide-y divide-slate-100 overflow-y-auto rounded-md border border-slate-200 text-sm">
          {search.data.length === 0 && <li className="px-3 py-2 text-slate-500">No title matches “{query}”.</li>}
          {search.data.map((movie) => {
            const label = movieLabel(movie);
            return (
              <li key={movie.movie_id} className="flex items-center justify-between gap-2 px-3 py-1.5">
                <span>{label}</span>
                <Button
                  aria-label={`Add ${label}`}
                  disabled={picked.some((m) => m.movie_id === movie.movie_id)}
                  onClick={() => add(movie)}
                >
                  Add
                </Button>
              </li>
            );
          })}
        </ul>
      )}

      <div>
        <h3 className="text-xs font-medium text-slate-600">History, oldest first ({picked.length})</h3>
        {picked.length ? (
          <ol aria-label="Made-up history" className="mt-1 flex flex-wrap gap-1.5 text-sm">
            {picked.map((movie) => (
              <li key={movie.movie_id} className="flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 text-indigo-900">
                {movieLabel(movie)}
                <button
                  type="button"
                  aria-label={`Remove ${movieLabel(movie)}`}
                  className="rounded-full px-1.5 text-indigo-700 hover:bg-indigo-100"
                  onClick={() => remove(movie.movie_id)}
                >
                  ×
                </button>
              </li>
            ))}
          </ol>
        ) : (
          <p className="mt-1 text-sm text-slate-500">Find titles and add them to build a viewer.</p>
        )}
      </div>
      <Button variant="primary" disabled={!picked.length} onClick={() => onPick({ history: picked.map((m) => m.movie_id) })}>
        Recommend for this history
      </Button>
    </div>
  );
}

/** Who to recommend for: a user id (`userId`: the one already picked), or a history built by
 *  searching titles. */
export function ViewerPicker({ userId, onPick }: { userId: number | null; onPick: (viewer: Viewer) => void }) {
  const [mode, setMode] = useState<Mode>('user');
  return (
    <div className="space-y-3">
      <Tabs tabs={MODES} selected={mode} onSelect={setMode} />
      {mode === 'user' ? <UserForm userId={userId} onPick={onPick} /> : <HistoryBuilder onPick={onPick} />}
    </div>
  );
}
