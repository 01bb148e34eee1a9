import { Link } from 'react-router';

export function NotFoundRoute() {
  return (
    <main className="mx-auto max-w-xl px-6 py-24 text-center">
      <h1 className="text-2xl font-bold">Page not found</h1>
      <p className="mt-2 text-slate-600">There is nothing at this address.</p>
      <Link className="mt-6 inline-block text-indigo-700 underline" to="/metrics">Go to the dashboard</Link>
    </main>
  );
}
