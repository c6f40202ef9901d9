import type { ProjectConfig } from '../config.js';
import type { Store } from '../store/store.js';

/** What the handlers may use: the store and the projects; nothing of HTTP. */
export interface HandlerDeps {
  readonly store: Store;
  readonly projects: ReadonlyMap<number, ProjectConfig>;
  readonly newPaymentId: () => string;
}
