import { useEffect, useRef, useState } from 'react';

/** The width of the element the returned ref is put on, followed as it resizes (never below
 * `min`), for canvases that draw at their box's size. `initial` until the first measurement. */
export function useElementWidth<T extends HTMLElement>(initial: number, min: number) {
  const ref = useRef<T>(null);
  const [width, setWidth] = useState(initial);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.max(min, entry.contentRect.width)));
    observer.observe(element);
    return () => observer.disconnect();
  }, [min]);
  return [ref, width] as const;
}
