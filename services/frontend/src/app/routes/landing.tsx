import { Link } from 'react-router';

export function LandingRoute() {
  return (
    <main className="mx-auto flex min-h-screen max-w-3xl flex-col justify-center px-6">
      <p className="text-sm font-semibold uppercase tracking-wide text-indigo-600">Movie Genie</p>
      <h1 className="mt-2 text-4xl font-bold">Recommender model tracking</h1>
      <p className="mt-4 text-lg text-slate-600">
        Every two-tower and BERT4Rec training run, tracked in MLflow: browse their metrics, compare
        runs side by side and promote the best one.
      </p>
      <div className="mt-8">
        <Link
          to="/metrics"
          className="rounded-md bg-indigo-600 px-5 py-3 text-base font-semibold text-white shadow hover:bg-indigo-500"
        >
          Open the metrics dashboard →
        </Link>
      </div>
    </main>
  );
}
