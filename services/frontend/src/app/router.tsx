import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';

import { CompareRoute } from './routes/metrics/compare';
import { DashboardRoute } from './routes/metrics/dashboard';
import { MetricsLayout } from './routes/metrics/layout';
import { RunRoute } from './routes/metrics/run';
import { LandingRoute } from './routes/landing';
import { NotFoundRoute } from './routes/not-found';

export const routes: RouteObject[] = [
  { path: '/', element: <LandingRoute /> },
  {
    path: '/metrics',
    element: <MetricsLayout />,
    children: [
      { index: true, element: <DashboardRoute /> },
      { path: 'compare', element: <CompareRoute /> },
      { path: 'runs/:runId', element: <RunRoute /> },
    ],
  },
  { path: '*', element: <NotFoundRoute /> },
];

export function AppRouter() {
  return <RouterProvider router={createBrowserRouter(routes)} />;
}
