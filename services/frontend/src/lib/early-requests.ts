// Requests index.html's inline script started before the app loaded, by exact URL.

type EarlyRequest = {
  response: Promise<Response>;
  /** Settles once the answer has been read (or failed). */
  landed: Promise<void>;
  /** The successful envelope, once read, and when (ms since the epoch). */
  answer?: { body: unknown; at: number };
};

declare global {
  interface Window {
    __earlyRequests?: Record<string, EarlyRequest>;
  }
}

/** The response already on its way for `url`, taken once (a refetch asks the API anew). */
export function takeEarlyRequest(url: string): Promise<Response> | undefined {
  const early = window.__earlyRequests;
  const entry = early?.[url];
  if (entry) delete early[url];
  return entry?.response;
}

/** The early answer for `url` if it has already been read, taken once: lets the first render
 *  draw it straight away instead of a skeleton and then, a few tasks later, the runs. */
export function takeEarlyAnswer(url: string): { body: unknown; at: number } | undefined {
  const early = window.__earlyRequests;
  const answer = early?.[url]?.answer;
  if (answer) delete early[url];
  return answer;
}

/** Resolves once every early request has been read, or after `waitMs`, whichever comes first:
 *  the app holds its first render that long for an answer about to land. */
export function earlyRequestsLanded(waitMs: number): Promise<void> {
  const pending = Object.values(window.__earlyRequests ?? {}).map((entry) => entry.landed);
  if (!pending.length) return Promise.resolve();
  return Promise.race([Promise.all(pending).then(() => undefined), new Promise<void>((done) => setTimeout(done, waitMs))]);
}
