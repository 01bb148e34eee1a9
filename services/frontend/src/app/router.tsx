import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';

import { DashboardRoute } from './routes/dashboard/dashboard';
import { MetricsLayout } from './routes/dashboard/layout';
import { LandingRoute } from './routes/landing';
import { NotFoundRoute } from './routes/not-found';

// The runs list ships in the entry bundle; a run's page and the comparison (with their
// recommendation previews) are chunks of their own, loaded on the way there, so the first runs
// are drawn after less JavaScript has been evaluated.
export const routes: RouteObject[] = [
  { path: '/', element: <LandingRoute /> },
  {
    path: '/metrics',
    element: <MetricsLayout />,
    children: [
      { index: true, element: <DashboardRoute /> },
      { path: 'compare', lazy: async () => ({ Component: (await import('./routes/dashboard/compare')).CompareRoute }) },
      { path: 'runs/:runId', lazy: async () => ({ Component: (await import('./routes/dashboard/run')).RunRoute }) },
    ],
  },
  { path: '*', element: <NotFoundRoute /> },
];

export function AppRouter() {
  return <RouterProvider router={createBrowserRouter(routes)} />;
}
