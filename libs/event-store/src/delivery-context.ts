import { AsyncLocalStorage } from 'node:async_hooks';

const delivering = new AsyncLocalStorage<object>();

/** Runs a subscriber's callback marked as belonging to `subscription`. */
export function runDelivery<T>(subscription: object, callback: () => T): T {
  return delivering.run(subscription, callback);
}

/**
 * True when called from inside a callback of `subscription`: `stop()` must then not wait for the
 * callback in flight, which is the caller itself.
 */
export function isInsideDelivery(subscription: object): boolean {
  return delivering.getStore() === subscription;
}
