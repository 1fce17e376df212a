import type { RuleVersions } from '../rule-versions.port';

/** RuleVersions of one process (embedded mode): every reader and writer shares this map. */
export class MemoryRuleVersions implements RuleVersions {
  private readonly tokens = new Map<string, string>();
  private next = 0;

  read(keys: readonly string[]): Promise<(string | undefined)[]> {
    return Promise.resolve(keys.map((k) => this.tokens.get(k)));
  }

  bump(keys: readonly string[]): Promise<void> {
    for (const k of keys) this.tokens.set(k, String(++this.next));
    return Promise.resolve();
  }
}
