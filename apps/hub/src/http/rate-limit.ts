import { HubError } from '@onestop/domain';

/** How fast one caller may call: `perSecond` sustained, `burst` at once (the bucket's size). */
export interface RateLimit {
  perSecond: number;
  burst: number;
}

/** What a bucket said: go ahead, or wait `retryAfterSeconds` (whole seconds, at least 1). */
export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** The caller made more calls than its rate allows (HTTP 429 with `Retry-After`). */
export class RateLimitedError extends HubError {
  constructor(readonly retryAfterSeconds: number) {
    super('rate.limited', 'too many requests: slow down and retry after the time in Retry-After', { retryAfterSeconds });
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * Token buckets, one per key: each holds up to `burst` tokens, refills at `perSecond`, and a
 * call spends one. Buckets that have refilled completely are forgotten when the map grows past
 * `maxKeys`, so a flood of distinct keys (addresses, subjects) cannot grow it without bound.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    readonly limit: RateLimit,
    private readonly now: () => number = () => performance.now(),
    private readonly maxKeys = 50_000,
  ) {
    if (!(limit.perSecond > 0) || !(limit.burst >= 1)) throw new RangeError('a rate limit needs perSecond > 0 and burst >= 1');
  }

  /** Spends one token of `key`'s bucket, or says how long until one is there. */
  take(key: string): RateDecision {
    const bucket = this.refilled(key);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }

  /** Like `take`, without spending: whether `key` could make a call now. */
  peek(key: string): RateDecision {
    const bucket = this.refilled(key);
    return bucket.tokens >= 1 ? { allowed: true } : { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)) };
  }

  /** How many keys have a bucket (for tests). */
  get size(): number {
    return this.buckets.size;
  }

  private refilled(key: string): Bucket {
    const now = this.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxKeys) this.forgetFull(now);
      bucket = { tokens: this.limit.burst, at: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + ((now - bucket.at) / 1000) * this.limit.perSecond);
    bucket.at = now;
    return bucket;
  }

  /** Drops buckets that are full by now (they behave as absent ones); if none is, the oldest half. */
  private forgetFull(now: number): void {
    const fullAfterMs = (this.limit.burst / this.limit.perSecond) * 1000;
    for (const [key, bucket] of this.buckets) if (now - bucket.at >= fullAfterMs) this.buckets.delete(key);
    if (this.buckets.size < this.maxKeys) return;
    let drop = Math.ceil(this.buckets.size / 2);
    for (const key of this.buckets.keys()) {
      if (drop-- <= 0) break;
      this.buckets.delete(key);
    }
  }
}

/** The limit `HUB_RATE_LIMIT` and `HUB_RATE_LIMIT_BURST` configure; undefined when it is off (0). */
export function rateLimitOf(config: { HUB_RATE_LIMIT: number; HUB_RATE_LIMIT_BURST?: number }): RateLimit | undefined {
  if (config.HUB_RATE_LIMIT <= 0) return undefined;
  return { perSecond: config.HUB_RATE_LIMIT, burst: config.HUB_RATE_LIMIT_BURST ?? 2 * config.HUB_RATE_LIMIT };
}
