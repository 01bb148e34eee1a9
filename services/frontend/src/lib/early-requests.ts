// Requests public/early-runs.js started before the app loaded, by exact URL.

declare global {
  interface Window {
    __earlyRequests?: Record<string, Promise<Response>>;
  }
}

/** The response already on its way for `url`, taken once (a refetch asks the API anew). */
export function takeEarlyRequest(url: string): Promise<Response> | undefined {
  const early = window.__earlyRequests;
  const response = early?.[url];
  if (response) delete early[url];
  return response;
}
