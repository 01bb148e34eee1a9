import { render } from '@testing-library/react';
import type { DefaultOptions } from '@tanstack/react-query';
import { createMemoryRouter, RouterProvider } from 'react-router';

import { AppProvider } from '@/app/provider';
import { routes } from '@/app/router';
import { createQueryClient } from '@/lib/react-query';

/** The whole app at `path`, with a fresh cache and no retries, so each test stands alone
 *  (`queries` overrides that, e.g. with the app's own `queryConfig.queries`). */
export function renderApp(path: string, queries: DefaultOptions['queries'] = { retry: false, staleTime: 0 }) {
  const router = createMemoryRouter(routes, { initialEntries: [path] });
  const client = createQueryClient({ queries });
  const view = render(
    <AppProvider client={client}>
      <RouterProvider router={router} />
    </AppProvider>,
  );
  return { ...view, router, client };
}

export const currentSearch = (router: ReturnType<typeof createMemoryRouter>) =>
  new URLSearchParams(router.state.location.search);
