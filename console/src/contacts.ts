import { el } from './api';

/** What the contacts card needs from the playground. */
export interface ContactsDeps {
  /** An HTTP call of the API as the signed-in user, shown in the frame inspector. */
  http<T>(method: string, path: string, body?: unknown): Promise<T>;
  /** Makes a user or a group the destination of the Send card. */
  choose(kind: 'user' | 'group', id: string): void;
  setStatus(text: string): void;
  /** The signed-in user (empty before `ready`); no lists without a token. */
  me(): string;
  signedIn(): boolean;
}

interface ConversationEntry {
  conversationId: string;
  kind: string;
  peerId?: string;
  groupId?: string;
  maxSeq: number;
  unread: number;
}

/**
 * Friends, groups, conversations: a friend request, and the three lists (`GET /v1/friends`,
 * `/v1/groups`, `/v1/conversations`); clicking an entry makes it the destination.
 */
export function renderContacts(d: ContactsDeps): { card: HTMLElement; refresh(): Promise<void> } {
  const friendId = el('input', { placeholder: 'user id', 'data-testid': 'friend-id' });
  const friendRequest = el('button', { type: 'button', 'data-testid': 'friend-request' }, 'Send friend request');
  const refreshButton = el('button', { type: 'button', 'data-testid': 'refresh-lists' }, 'Refresh lists');
  const friendsList = el('ul', { class: 'pick', 'data-testid': 'friends' });
  const groupsList = el('ul', { class: 'pick', 'data-testid': 'groups' });
  const conversationsList = el('ul', { class: 'pick', 'data-testid': 'conversations' });
  const card = el(
    'section',
    { class: 'card' },
    el('h3', {}, 'Friends, groups, conversations'),
    el('div', { class: 'row' }, friendId, friendRequest, refreshButton),
    el(
      'div',
      { class: 'lists' },
      el('div', {}, el('h4', {}, 'Friends'), friendsList),
      el('div', {}, el('h4', {}, 'Groups'), groupsList),
      el('div', {}, el('h4', {}, 'Conversations'), conversationsList),
    ),
    el(
      'p',
      { class: 'hint' },
      'Click an entry to make it the destination. A received friend request has an Accept button.',
    ),
  );

  const pick = (kind: 'user' | 'group', id: string, label: string, testId: string): HTMLElement => {
    const item = el('li', { 'data-testid': testId, 'data-id': id }, label);
    item.addEventListener('click', () => d.choose(kind, id));
    return item;
  };

  const refresh = async (): Promise<void> => {
    if (!d.signedIn()) return;
    try {
      const [friends, groups, conversations] = await Promise.all([
        d.http<{ userIds: string[] }>('GET', '/v1/friends'),
        d.http<{ groups: { groupId: string; name?: string; role?: string }[] }>('GET', '/v1/groups'),
        d.http<{ conversations: ConversationEntry[] }>('GET', '/v1/conversations'),
      ]);
      friendsList.replaceChildren(...friends.userIds.map((id) => pick('user', id, id, 'friend-item')));
      groupsList.replaceChildren(
        ...groups.groups.map((g) =>
          pick('group', g.groupId, `${g.name ?? ''} (${g.role ?? 'member'}) · ${g.groupId}`, 'group-item'),
        ),
      );
      conversationsList.replaceChildren(
        ...conversations.conversations.map((c) => {
          const group = c.kind === 'group';
          const id = (group ? c.groupId : c.peerId) ?? c.conversationId;
          return pick(
            group ? 'group' : 'user',
            id,
            `${group ? 'group' : 'with'} ${id} · last seq ${c.maxSeq} · unread ${c.unread}`,
            'conversation-item',
          );
        }),
      );
    } catch (e) {
      d.setStatus(`lists: ${(e as Error).message}`);
    }
  };

  friendRequest.addEventListener('click', () => {
    d.http('POST', '/v1/friends/requests', { toUserId: friendId.value.trim(), message: `hello from ${d.me()}` }).catch(
      (e: Error) => d.setStatus(`friend request failed: ${e.message}`),
    );
  });
  refreshButton.addEventListener('click', () => void refresh());
  return { card, refresh };
}
