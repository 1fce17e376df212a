/**
 * Version tokens of rules that rarely change (a group's membership and settings, a user's
 * blacklist and friendships), for the caches that answer them without a store read. A writer
 * bumps a rule's token after changing it in the store and before acknowledging the change; a
 * reader compares the token with the one its cached answer was read under. Tokens are random,
 * not counters, so a token store that lost its data (a Redis restart) can never make an old
 * answer look current.
 */
export interface RuleVersions {
  /** The current token of each key (undefined: never bumped), in order. */
  read(keys: readonly string[]): Promise<(string | undefined)[]>;
  /** Gives each key a new token; resolves once every later `read` sees it. */
  bump(keys: readonly string[]): Promise<void>;
}
