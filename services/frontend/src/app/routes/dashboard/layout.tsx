import { useIsFetching, useQueryClient } from '@tanstack/react-query';
import { Link, NavLink, Outlet } from 'react-router';

import { RouteErrorBoundary } from '@/components/errors/route-error-boundary';
import { Button } from '@/components/ui/button';
import { useHealth } from '@/features/health/api/get-health';

function HealthDot() {
  const health = useHealth();
  const ok = health.data?.mlflow.reachable;
  const label = health.isPending ? 'checking…' : ok ? 'MLflow reachable' : 'MLflow unreachable';
  return (
    <span className="flex items-center gap-1.5 text-xs text-slate-500" title={health.data?.mlflow.tracking_uri}>
      <span className={`h-2 w-2 rounded-full ${health.isPending ? 'bg-slate-300' : ok ? 'bg-emerald-500' : 'bg-red-500'}`} />
      {label}
    </span>
  );
}

export function MetricsLayout() {
  const queryClient = useQueryClient();
  const fetching = useIsFetching({ queryKey: ['runs'] }) > 0;
  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-6 py-3">
          <nav className="flex items-center gap-5">
            <Link to="/" className="font-bold text-indigo-700">Movie Genie</Link>
            <NavLink end to="/metrics" className={({ isActive }) => (isActive ? 'font-semibold' : 'text-slate-600')}>
              Dashboard
            </NavLink>
          </nav>
          <div className="flex items-center gap-4">
            <HealthDot />
            {/* Refetches runs, summary and comparisons: picks up runs that finished since. */}
            <Button onClick={() => queryClient.invalidateQueries()} disabled={fetching}>
              {fetching ? 'Refreshing…' : 'Refresh'}
            </Button>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-6 py-6">
        <RouteErrorBoundary>
          <Outlet />
        </RouteErrorBoundary>
      </main>
    </div>
  );
}
