import '@testing-library/jest-dom/vitest';

import { cleanup, configure } from '@testing-library/react';

import { seed } from './handlers';
import { server } from './server';

// jsdom has no layout engine, so every element measures 0×0 and Recharts would draw nothing.
// This observer plays the layout engine: each observed chart container is 600×260.
class ResizeObserverStub {
  constructor(private readonly callback: ResizeObserverCallback) {}
  observe(target: Element) {
    const entry = { target, contentRect: { width: 600, height: 260 } } as unknown as ResizeObserverEntry;
    this.callback([entry], this as unknown as ResizeObserver);
  }
  unobserve() {}
  disconnect() {}
}
// Charts are lazy chunks: on a loaded 2-core CI machine their first import can take seconds, so
// findBy*/waitFor wait up to 12 s (inside the 30 s test timeout) instead of 1 s.
configure({ asyncUtilTimeout: 12000 });

globalThis.ResizeObserver ??= ResizeObserverStub as unknown as typeof ResizeObserver;

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => {
  cleanup();
  server.resetHandlers();
  server.events.removeAllListeners();
  seed([]);
  window.sessionStorage.clear();
});
afterAll(() => server.close());
