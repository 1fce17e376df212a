import type { PushPlatform } from '@im/store';
import type { FastifyInstance } from 'fastify';
import { NO_CONTENT, pushSettings } from './api-schemas';
import { idSchema } from './routes.context';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

/** An APNs device token (hex) or an FCM registration token: letters, digits and `:_.-`, no spaces. */
const tokenSchema = { type: 'string', pattern: '^[A-Za-z0-9:_.-]{8,4096}$', examples: ['f3c1…'] } as const;

/**
 * Push tokens and the user's push switch (docs/business-events.md, "Offline push"). A device
 * registers its APNs / FCM token under the device id it connects with; offline pushes
 * (`im.push.out`) name the tokens of the user's devices that have no socket open. A token goes
 * when its device unregisters (logging out), is replaced under the multi-device policy (15), or
 * the user is revoked.
 */
export function pushRoutes(app: FastifyInstance, ctx: RoutesContext): void {
  const bearer = bearerRoutes(app, ctx);
  const params = { type: 'object', required: ['deviceId'], properties: { deviceId: idSchema } } as const;

  bearer.put<{ Params: { deviceId: string }; Body: { platform: PushPlatform; token: string } }>(
    '/v1/devices/:deviceId/push',
    {
      summary:
        'Register (or replace) this device’s APNs / FCM token: pushes go to it while the device has no socket open',
      params,
      body: {
        type: 'object',
        required: ['platform', 'token'],
        additionalProperties: false,
        properties: { platform: { type: 'string', enum: ['apns', 'fcm'] }, token: tokenSchema },
      },
      response: { 204: NO_CONTENT },
    },
    async (sub, request) => {
      const { platform, token } = request.body;
      const { deviceId } = request.params;
      await ctx.store.pushDevices.put({ userId: sub, deviceId, platform, token, updatedAt: ctx.clock.now() });
      ctx.logger.info({ userId: sub, deviceId, platform }, 'push token registered');
    },
  );

  bearer.delete<{ Params: { deviceId: string } }>(
    '/v1/devices/:deviceId/push',
    {
      summary: 'Unregister this device’s push token (logging out): it gets no more pushes',
      params,
      response: { 204: NO_CONTENT },
    },
    async (sub, request) => {
      const { deviceId } = request.params;
      if (await ctx.store.pushDevices.remove(sub, deviceId))
        ctx.logger.info({ userId: sub, deviceId }, 'push token removed');
    },
  );

  bearer.get(
    '/v1/push',
    {
      summary: 'This user’s push switch and the devices with a push token (tokens are not shown)',
      response: { 200: pushSettings },
    },
    async (sub) => {
      const [devices, muted] = await Promise.all([
        ctx.store.pushDevices.devicesOf([sub]),
        ctx.store.pushDevices.mutedUsersAmong([sub]),
      ]);
      return {
        muted: muted.has(sub),
        devices: devices.map(({ deviceId, platform, updatedAt }) => ({ deviceId, platform, updatedAt })),
      };
    },
  );

  bearer.put<{ Body: { muted: boolean } }>(
    '/v1/push/mute',
    {
      summary: 'Turn every offline push of this user off (muted: true) or on again',
      body: {
        type: 'object',
        required: ['muted'],
        additionalProperties: false,
        properties: { muted: { type: 'boolean' } },
      },
      response: { 204: NO_CONTENT },
    },
    async (sub, request) => {
      await ctx.store.pushDevices.setUserMuted(sub, request.body.muted);
    },
  );
}
