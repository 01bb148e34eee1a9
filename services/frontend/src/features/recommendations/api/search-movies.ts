import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';

import { api } from '@/lib/api-client';
import type { Movie } from '@/types/api';

export const MOVIE_SEARCH_LIMIT = 20;

export const searchMovies = async (q: string, signal?: AbortSignal): Promise<Movie[]> =>
  (await api.get<Movie[]>('/movies', { q, limit: MOVIE_SEARCH_LIMIT }, signal)).data;

export const getMovieSearchQueryOptions = (q: string) =>
  queryOptions({
    queryKey: ['movies', q],
    queryFn: ({ signal }) => searchMovies(q, signal),
    staleTime: Infinity, // the catalogue is the prepared data: fixed while the stack runs
  });

/** Titles matching `q`; nothing is asked while `q` is empty. */
export const useMovieSearch = (q: string) =>
  useQuery({ ...getMovieSearchQueryOptions(q), enabled: q.length > 0, placeholderData: keepPreviousData });
