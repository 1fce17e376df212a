import type { UserProfile, UserRepository } from './user.port';
import { unknownProfile } from './user.port';

/** One profile per id asked, in that order: the stored one, or one named by the id for a user the directory does not know. */
export async function profilesOf(users: UserRepository, userIds: readonly string[]): Promise<UserProfile[]> {
  const found = new Map((await users.getMany(userIds)).map((p) => [p.userId, p]));
  return userIds.map((id) => found.get(id) ?? unknownProfile(id));
}
