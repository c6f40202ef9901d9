// Which operation of the contract a request is, by openapi-backend's router. Its answer depends only
// on method and path, so it is remembered per method and path rather than worked out again for
// every request (the router rebuilds its operation list on each call).
import type { OpenAPIRouter } from 'openapi-backend';

export type Route =
  | { operationId: string }
  | { missing: 'no_such_endpoint' }
  /** `allow`: the methods the path takes, for the 405's Allow header (RFC 9110, 15.5.6). */
  | { missing: 'method_not_allowed'; allow: string };

// Paths are chosen by callers: bound what they can make us remember.
const MAX_REMEMBERED = 1024;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

export function routeMatcher(router: OpenAPIRouter): (method: string, path: string) => Route {
  const remembered = new Map<string, Route>();
  const match = (method: string, path: string) => router.matchOperation({ method, path, headers: {} });
  const find = (method: string, path: string): Route => {
    // HEAD is GET without its content (RFC 9110, 9.3.2), which Koa leaves out of the answer.
    const operation = match(method, path) ?? (method.toUpperCase() === 'HEAD' ? match('get', path) : undefined);
    if (operation?.operationId) return { operationId: operation.operationId };
    // The path exists for another method: 405, not 404.
    const allowed = METHODS.filter((other) => match(other, path) !== undefined).map((other) => other.toUpperCase());
    if (allowed.length === 0) return { missing: 'no_such_endpoint' };
    if (allowed.includes('GET') && !allowed.includes('HEAD')) allowed.push('HEAD');
    return { missing: 'method_not_allowed', allow: allowed.join(', ') };
  };
  return (method, path) => {
    const key = `${method} ${path}`;
    let route = remembered.get(key);
    if (route === undefined) {
      route = find(method, path);
      if (remembered.size < MAX_REMEMBERED) remembered.set(key, route);
    }
    return route;
  };
}
