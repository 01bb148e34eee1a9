// Starts the dashboard's first runs request while the app's bundle is still downloading and
// compiling, so the two overlap instead of queueing, and reads the answer as soon as it lands,
// so the app can draw those runs in its very first render (no skeleton render in between).
// A classic script in <head> (index.html), run before the app: it records the request under its
// exact URL ({response, answer, landed}), and the app takes it only for that same URL, once
// (src/lib/early-requests.ts). A URL built differently here just goes unused: it can cost
// time, never a wrong answer. Mirrors use-run-filters.ts (URL keys), use-run-view.ts (sort) and
// get-runs.ts (page size); src/lib/__tests__/early-runs.test.tsx checks they agree.
(function () {
  if (!/^\/metrics\/?$/.test(window.location.pathname) || typeof fetch !== 'function') return;
  var here = new URLSearchParams(window.location.search);
  var url = new URL('/api/models/runs', window.location.origin);
  var filters = [['model_type', 'type'], ['model_name', 'model'], ['status', 'status'], ['q', 'q']];
  filters.forEach(function (pair) {
    var value = here.get(pair[1]);
    if (value) url.searchParams.set(pair[0], value);
  });
  var sort = (here.get('sort') || 'metrics.val_ndcg_at_10 DESC').split(' ');
  url.searchParams.set('order_by', sort[0] + (sort[1] === 'ASC' ? ' ASC' : ' DESC'));
  url.searchParams.set('limit', '100');
  var early = (window.__earlyRequests = window.__earlyRequests || {});
  var entry = { response: fetch(url.toString(), { headers: { Accept: 'application/json' } }) };
  // Settles either way: unread, failed or unsuccessful, the app asks (or reads) it itself.
  entry.landed = entry.response
    .then(function (response) {
      return response.ok ? response.clone().json() : null;
    })
    .then(function (body) {
      if (body && body.success === true) entry.answer = { body: body, at: Date.now() };
    })
    .catch(function () {});
  early[url.toString()] = entry;
})();
