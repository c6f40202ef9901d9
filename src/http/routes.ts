// openapi-backend decides which operation a request is; its decision depends only on method and
// path, so it is remembered per method and path instead of being recomputed for every request
// (its router rebuilds the operation list on each call: a fifth of a verify request's time).
import type { OpenAPIRouter } from 'openapi-backend/router.js';

export type Route = { operationId: string } | { missing: 'no_such_endpoint' | 'method_not_allowed' };

// Paths are chosen by callers: bound what they can make us remember.
const MAX_REMEMBERED = 1024;

export function routeMatcher(router: OpenAPIRouter): (method: string, path: string) => Route {
  const remembered = new Map<string, Route>();
  return (method, path) => {
    const key = `${method} ${path}`;
    let route = remembered.get(key);
    if (route === undefined) {
      try {
        const operation = router.matchOperation({ method, path, headers: {} }, true);
        route = { operationId: operation.operationId! };
      } catch (error) {
        route = { missing: String((error as Error).message).startsWith('405') ? 'method_not_allowed' : 'no_such_endpoint' };
      }
      if (remembered.size < MAX_REMEMBERED) remembered.set(key, route);
    }
    return route;
  };
}
