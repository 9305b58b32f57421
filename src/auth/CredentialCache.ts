/**
 * A short-lived cache of credential state (token versions, disabled and
 * revoked flags) read by authenticateRequest. Writes in this process call
 * `invalidate`, so they take effect at once here; other API processes see
 * them after at most `ttlSeconds`. A TTL of 0 turns caching off.
 */
export class CredentialCache<T> {
  private readonly entries = new Map<string, { value: T; expiresAt: number }>();

  constructor(
    private readonly ttlSeconds: number,
    private readonly now: () => Date,
    /** Bound on entries, so a flood of distinct ids cannot grow memory without limit. */
    private readonly maxEntries = 10_000,
  ) {}

  async get(key: string, load: () => Promise<T>): Promise<T> {
    const nowMs = this.now().getTime();
    const cached = this.entries.get(key);
    if (cached && cached.expiresAt > nowMs) {
      return cached.value;
    }

    const value = await load();
    if (this.ttlSeconds > 0) {
      if (this.entries.size >= this.maxEntries) {
        this.entries.clear();
      }
      this.entries.set(key, { value, expiresAt: nowMs + this.ttlSeconds * 1000 });
    }
    return value;
  }

  invalidate(key: string): void {
    this.entries.delete(key);
  }
}
