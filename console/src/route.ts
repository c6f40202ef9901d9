// The screen named by the URL's hash (#/payments/ID), so that back, forward and links work.
import { useEffect, useState } from 'preact/hooks';

export type Route =
  | { screen: 'overview' }
  | { screen: 'accounts' }
  | { screen: 'account'; id: string }
  | { screen: 'payments'; customerId?: string; status?: string }
  | { screen: 'payment'; id: string }
  | { screen: 'review' }
  | { screen: 'rejected' }
  | { screen: 'audit' }
  | { screen: 'ledger' }
  | { screen: 'reconciliations' }
  | { screen: 'reconciliation'; id: number };

export function parseRoute(hash: string): Route {
  const [path = '', search = ''] = hash.replace(/^#\/?/, '').split('?');
  const [screen = '', id] = path.split('/').map(decodeURIComponent);
  if (screen === 'accounts' && id) return { screen: 'account', id };
  if (screen === 'payments' && id) return { screen: 'payment', id };
  if (screen === 'reconciliations' && id && /^\d+$/.test(id)) return { screen: 'reconciliation', id: Number(id) };
  if (screen === 'payments') {
    const filter = new URLSearchParams(search);
    const customerId = filter.get('customer_id');
    const status = filter.get('status');
    return { screen, ...(customerId && { customerId }), ...(status && { status }) };
  }
  if (
    screen === 'accounts' ||
    screen === 'ledger' ||
    screen === 'review' ||
    screen === 'rejected' ||
    screen === 'audit' ||
    screen === 'reconciliations'
  ) {
    return { screen };
  }
  return { screen: 'overview' };
}

export const href = (screen: string, id?: string): string => `#/${screen}${id === undefined ? '' : `/${encodeURIComponent(id)}`}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  return route;
}
