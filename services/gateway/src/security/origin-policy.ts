/**
 * Which browser origins may open a socket or call the HTTP API. A request without an `Origin`
 * header (native apps, servers) is not a browser's cross-site request and is always let through:
 * tokens authenticate it. `*` allows every origin.
 */
export class OriginPolicy {
  private readonly any: boolean;
  private readonly allowed: ReadonlySet<string>;

  constructor(origins: readonly string[]) {
    this.any = origins.includes('*');
    this.allowed = new Set(origins.map((o) => o.toLowerCase().replace(/\/+$/, '')));
  }

  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    return this.any || this.allowed.has(origin.toLowerCase());
  }
}
