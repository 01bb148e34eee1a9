import { useState } from 'react';

import { ApiError } from '@/lib/api-client';

export const SEARCH_EXAMPLES = [
  'metrics.val_ndcg_at_10 > 0.05',
  "model_name = 'bert4rec' and params.training.learning_rate <= 0.001",
  "run_name LIKE 'two-tower-%' or metrics.val_recall_at_10 >= 0.1",
  'metrics.val_ndcg_at_10 IS NULL',
];

/** The search language's box: applies on Enter, shows the API's error under the query with a
 *  caret at the position it names. */
export function SearchBox({
  value,
  onSearch,
  error,
}: {
  value: string;
  onSearch: (query: string) => void;
  error: unknown;
}) {
  const [text, setText] = useState(value);
  // A new applied query (a link, Back) replaces the draft: adjusted while rendering, as React's
  // "you might not need an effect" advises, rather than in an effect after a stale render.
  const [applied, setApplied] = useState(value);
  if (applied !== value) {
    setApplied(value);
    setText(value);
  }
  const problem = error instanceof ApiError && error.status === 400 && value ? error : null;

  return (
    <form
      role="search"
      className="space-y-1"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(text.trim());
      }}
    >
      <label className="flex flex-col text-xs font-medium text-slate-600">
        Search runs
        <div className="mt-1 flex gap-2">
          <input
            type="search"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={SEARCH_EXAMPLES[0]}
            spellCheck={false}
            aria-invalid={problem ? true : undefined}
            aria-describedby={problem ? 'search-error' : undefined}
            className={`w-full rounded-md border px-2 py-1.5 font-mono text-sm text-slate-900 ${
              problem ? 'border-red-500' : 'border-slate-300'
            }`}
          />
          <button type="submit" className="rounded-md bg-indigo-600 px-3 text-sm font-medium text-white">
            Search
          </button>
        </div>
      </label>
      {problem && (
        <div id="search-error" role="alert" data-testid="search-error" className="text-sm text-red-700">
          <p>{problem.message}</p>
          {problem.position !== undefined && (
            <pre className="mt-1 overflow-x-auto font-mono text-xs text-slate-700">
              {value}
              {'\n'}
              {' '.repeat(problem.position)}^
            </pre>
          )}
        </div>
      )}
      <details className="text-xs text-slate-600">
        <summary className="cursor-pointer">Search examples</summary>
        <p className="mt-1">
          Fields: <code>metrics.&lt;name&gt;</code>, <code>params.&lt;name&gt;</code>, <code>tags.&lt;name&gt;</code>,{' '}
          <code>run_name</code>, <code>status</code>, <code>model_name</code>, <code>start_time</code>; operators{' '}
          <code>= != &lt; &lt;= &gt; &gt;=</code>, <code>LIKE</code> (<code>%</code> any text), <code>IS NULL</code>;{' '}
          <code>and</code> before <code>or</code>, parentheses. Runs without a field match no comparison on it.
        </p>
        <ul className="mt-1 space-y-0.5">
          {SEARCH_EXAMPLES.map((example) => (
            <li key={example}>
              <button
                type="button"
                className="font-mono text-indigo-700 hover:underline"
                onClick={() => {
                  setText(example);
                  onSearch(example);
                }}
              >
                {example}
              </button>
            </li>
          ))}
        </ul>
      </details>
    </form>
  );
}
