import { createBrowserRouter, RouterProvider, type RouteObject } from 'react-router';

import { CompareRoute } from './routes/dashboard/compare';
import { DashboardRoute } from './routes/dashboard/dashboard';
import { MetricsLayout } from './routes/dashboard/layout';
import { RunRoute } from './routes/dashboard/run';
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
