// The admin API as the console calls it: openapi-fetch typed by the generated admin types, the
// bearer token added to every request, a 401 turned into a return to sign-in.
import createClient from 'openapi-fetch';
import type { components, paths } from '../../generated/admin/openapi-types';

export type Schemas = components['schemas'];
export type Problem = Schemas['Problem'];
export type Api = ReturnType<typeof apiClient>;

/** Where the admin API is: this page's own origin, or the Prism mock under `npm run console:dev`. */
declare const API_BASE: string;

export function apiClient(token: string, onUnauthorized: () => void) {
  const client = createClient<paths>({ baseUrl: API_BASE });
  client.use({
    onRequest({ request }) {
      request.headers.set('Authorization', `Bearer ${token}`);
      return request;
    },
    onResponse({ response }) {
      if (response.status === 401) onUnauthorized();
      return response;
    },
  });
  return client;
}

/** A problem from a failed call, or one made up for a network failure. */
export function asProblem(error: unknown): Problem {
  if (error && typeof error === 'object' && 'detail' in error && 'status' in error) return error as Problem;
  return {
    type: 'about:blank',
    title: 'The admin API did not answer',
    status: 0,
    detail: error instanceof Error ? error.message : 'no answer from the service; is it running?',
  };
}
