import { QueryClient, type DefaultOptions } from '@tanstack/react-query';

import { ApiError } from './api-client';

export const queryConfig = {
  queries: {
    staleTime: 30_000,
    refetchOnWindowFocus: true,
    // Retrying a 4xx only delays the error message, and so would retrying a request that already
    // waited the full timeout; retry other transient failures once.
    retry: (failureCount, error) =>
      !(error instanceof ApiError && ((error.status >= 400 && error.status < 500) || error.timedOut)) &&
      failureCount < 1,
  },
} satisfies DefaultOptions;

export function createQueryClient(overrides: DefaultOptions = {}): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: { ...queryConfig.queries, ...overrides.queries },
      mutations: { ...overrides.mutations },
    },
  });
}
