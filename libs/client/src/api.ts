import type { HttpTransport } from './http';
import type {
  CollectionRequest,
  CollectionState,
  Conversation,
  ConversationPage,
  FriendRequest,
  GroupApplication,
  GroupDetail,
  GroupMember,
  GroupPatch,
  GroupSummary,
  HistoryQuery,
  MessagePage,
  RedPacket,
  RedPacketOpened,
  RedPacketRequest,
  RedPacketState,
  Transfer,
  TransferRequest,
  TransferState,
  Wallet,
} from './api-types';

/** Every route the typed calls use, `METHOD /path/:param` as in the OpenAPI document (a test checks each is there). */
export const API_ROUTES = [
  'GET /v1/conversations',
  'PUT /v1/conversations/mute',
  'GET /v1/messages',
  'POST /v1/groups',
  'GET /v1/groups',
  'GET /v1/groups/:groupId',
  'PATCH /v1/groups/:groupId',
  'DELETE /v1/groups/:groupId',
  'GET /v1/groups/:groupId/members',
  'POST /v1/groups/:groupId/members',
  'DELETE /v1/groups/:groupId/members/me',
  'DELETE /v1/groups/:groupId/members/:userId',
  'POST /v1/groups/:groupId/applications',
  'GET /v1/groups/:groupId/applications',
  'POST /v1/friends/requests',
  'GET /v1/friends/requests',
  'POST /v1/friends/requests/:fromUserId/accept',
  'POST /v1/friends/requests/:fromUserId/refuse',
  'GET /v1/friends',
  'DELETE /v1/friends/:userId',
  'PUT /v1/profile',
  'GET /v1/blacklist',
  'PUT /v1/blacklist/:userId',
  'DELETE /v1/blacklist/:userId',
  'GET /v1/wallet',
  'POST /v1/red-packets',
  'POST /v1/red-packets/:id/open',
  'GET /v1/red-packets/:id',
  'POST /v1/transfers',
  'GET /v1/transfers/:id',
  'POST /v1/transfers/:id/accept',
  'POST /v1/transfers/:id/return',
  'POST /v1/collections',
  'POST /v1/collections/:id/pay',
] as const;

const seg = encodeURIComponent;

/** The HTTP API as typed calls; errors reject with ImClientError (code and registry name). */
export function httpApi(http: HttpTransport) {
  const get = <T>(
    path: string,
    query?: Record<string, string | number | undefined>,
    options?: { signal?: AbortSignal; retries?: number },
  ) => http.request<T>('GET', path, undefined, query, options);
  const post = <T>(path: string, body?: unknown) => http.request<T>('POST', path, body);
  const put = <T>(path: string, body?: unknown) => http.request<T>('PUT', path, body);
  const patch = <T>(path: string, body?: unknown) => http.request<T>('PATCH', path, body);
  const del = <T>(path: string) => http.request<T>('DELETE', path);
  return {
    conversations: {
      /** One page, newest activity first (`limit` default 100; `cursor` the previous page's `nextCursor`). */
      page: (query: { limit?: number; cursor?: string } = {}) =>
        get<ConversationPage>('/v1/conversations', { ...query }),
      /** Every conversation, page after page. */
      list: async () => {
        const all: Conversation[] = [];
        for (let cursor: string | undefined; ;) {
          const page = await get<ConversationPage>('/v1/conversations', cursor === undefined ? {} : { cursor });
          all.push(...page.conversations);
          if (!page.hasMore || !page.nextCursor) return all;
          cursor = page.nextCursor;
        }
      },
      mute: (target: { peerId: string } | { groupId: string }, muted: boolean) =>
        put<{ conversationId: string; muted: boolean }>('/v1/conversations/mute', { ...target, muted }),
    },
    /** A page of history (`GET /v1/messages`); `options.signal` aborts it. */
    history: (query: HistoryQuery, options?: { signal?: AbortSignal; retries?: number }) =>
      get<MessagePage>(
        '/v1/messages',
        { ...query, system: query.system === undefined ? undefined : String(query.system) },
        options,
      ),
    groups: {
      create: (body: { name: string; memberIds: string[]; joinPolicy?: GroupSummary['joinPolicy'] }) =>
        post<{ groupId: string }>('/v1/groups', body),
      list: async () => (await get<{ groups: GroupSummary[] }>('/v1/groups')).groups,
      get: (groupId: string) => get<GroupDetail>(`/v1/groups/${seg(groupId)}`),
      update: (groupId: string, changes: GroupPatch) => patch<void>(`/v1/groups/${seg(groupId)}`, changes),
      dismiss: (groupId: string) => del<void>(`/v1/groups/${seg(groupId)}`),
      members: async (groupId: string) =>
        (await get<{ members: GroupMember[] }>(`/v1/groups/${seg(groupId)}/members`)).members,
      invite: (groupId: string, userIds: string[]) =>
        post<{ added: string[] }>(`/v1/groups/${seg(groupId)}/members`, { userIds }),
      leave: (groupId: string) => del<void>(`/v1/groups/${seg(groupId)}/members/me`),
      kick: (groupId: string, userId: string) => del<void>(`/v1/groups/${seg(groupId)}/members/${seg(userId)}`),
      apply: (groupId: string, message?: string) =>
        post<{ status: 'joined' | 'pending' }>(
          `/v1/groups/${seg(groupId)}/applications`,
          message === undefined ? {} : { message },
        ),
      applications: async (groupId: string) =>
        (await get<{ applications: GroupApplication[] }>(`/v1/groups/${seg(groupId)}/applications`)).applications,
    },
    friends: {
      request: (toUserId: string, message?: string) =>
        post<{ status: 'pending' | 'friends' }>(
          '/v1/friends/requests',
          message === undefined ? { toUserId } : { toUserId, message },
        ),
      requests: () => get<{ incoming: FriendRequest[]; outgoing: FriendRequest[] }>('/v1/friends/requests'),
      accept: (fromUserId: string) => post<{ status: 'friends' }>(`/v1/friends/requests/${seg(fromUserId)}/accept`),
      refuse: (fromUserId: string) => post<{ done: true }>(`/v1/friends/requests/${seg(fromUserId)}/refuse`),
      list: async () => (await get<{ userIds: string[] }>('/v1/friends')).userIds,
      remove: (userId: string) => del<void>(`/v1/friends/${seg(userId)}`),
    },
    profile: {
      update: (changes: { name?: string; avatar?: string }) => put<void>('/v1/profile', changes),
    },
    blacklist: {
      list: async () => (await get<{ userIds: string[] }>('/v1/blacklist')).userIds,
      add: (userId: string) => put<void>(`/v1/blacklist/${seg(userId)}`),
      remove: (userId: string) => del<void>(`/v1/blacklist/${seg(userId)}`),
    },
    wallet: {
      get: () => get<Wallet>('/v1/wallet'),
    },
    redPackets: {
      send: (request: RedPacketRequest) =>
        post<{ packetId: string; state: RedPacketState }>('/v1/red-packets', request),
      open: (id: string, password?: string) =>
        post<RedPacketOpened>(`/v1/red-packets/${seg(id)}/open`, password === undefined ? {} : { password }),
      get: (id: string) => get<RedPacket>(`/v1/red-packets/${seg(id)}`),
    },
    transfers: {
      send: (request: TransferRequest) => post<{ transferId: string; state: TransferState }>('/v1/transfers', request),
      get: (id: string) => get<Transfer>(`/v1/transfers/${seg(id)}`),
      accept: (id: string) => post<{ transferId: string; state: TransferState }>(`/v1/transfers/${seg(id)}/accept`),
      return: (id: string) => post<{ transferId: string; state: TransferState }>(`/v1/transfers/${seg(id)}/return`),
    },
    collections: {
      /** Starts an AA collection (type 40 is made this way, never sent on the socket). */
      create: (request: CollectionRequest) =>
        post<{ collectionId: string; state: CollectionState }>('/v1/collections', request),
      pay: (id: string, requestId: string) =>
        post<{ collectionId: string; amount: number; slot: number; alreadyPaid: boolean }>(
          `/v1/collections/${seg(id)}/pay`,
          { requestId },
        ),
    },
  };
}

export type HttpApi = ReturnType<typeof httpApi>;
