import { useMemo, useState } from 'react';
import { useSearchParams } from 'react-router';

import type { Viewer } from '../api/get-recommendations';

/** The viewer being previewed. A user is kept in the URL (`?user=42`), so a link shows the same
 *  lists; a made-up history lives only in the page (it can be long). */
export function useViewer() {
  const [params, setParams] = useSearchParams();
  const [madeUp, setMadeUp] = useState<Viewer | null>(null);
  const userParam = params.get('user');
  const userId = userParam !== null && /^\d{1,10}$/.test(userParam) ? Number(userParam) : null;
  const viewer = useMemo<Viewer | null>(() => madeUp ?? (userId === null ? null : { userId }), [madeUp, userId]);

  const pick = (next: Viewer) => {
    setMadeUp('userId' in next ? null : next);
    setParams((current) => {
      const updated = new URLSearchParams(current);
      if ('userId' in next) updated.set('user', String(next.userId));
      else updated.delete('user');
      return updated;
    });
  };
  return { viewer, userId, pick };
}
