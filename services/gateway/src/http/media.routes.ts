import { randomBytes } from 'node:crypto';
import { AppError } from '@im/common';
import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchema } from 'fastify';
import { MEDIA_KINDS } from '../media/media.config';
import type { MediaKind, MediaSettings } from '../media/media.config';
import type { MediaObject, MediaStore } from '../media/media.store';
import { THUMBNAIL_TYPE, makeThumbnail } from '../media/thumbnail';
import type { UploadTokens } from '../media/upload-token';
import { object } from './api-schemas';
import type { RoutesContext } from './routes.context';
import { bearerRoutes } from './bearer-routes';

export interface MediaDeps {
  readonly store: MediaStore;
  readonly settings: MediaSettings;
  /** Embedded (disk) mode: the gateway itself receives the bytes at `PUT /v1/uploads/:kind/:id`. */
  readonly tokens?: UploadTokens;
}

/** 128 random bits: an id nobody can guess, so a media URL is shown only to those it was shared with. */
const ID = '^[A-Za-z0-9_-]{22}$';
const newId = (): string => randomBytes(16).toString('base64url');
const keyOf = (kind: string, id: string): string => `${kind}/${id}`;
const thumbKey = (key: string): string => `${key}.thumb`;
const mediaParams = {
  type: 'object',
  required: ['kind', 'id'],
  properties: { kind: { type: 'string', enum: [...MEDIA_KINDS] }, id: { type: 'string', pattern: ID } },
} as const;
const str = { type: 'string' } as const;
const uploaded = object(
  {
    uploadId: str,
    kind: { type: 'string', enum: [...MEDIA_KINDS] },
    url: { type: 'string', description: 'What a client puts in 3 / 4 / 16 / 30 or an avatar; fetch needs no token.' },
    thumbnailUrl: { type: 'string', description: 'Images: a WebP thumbnail of at most 256 × 256.' },
    contentType: str,
    size: { type: 'integer' },
    width: { type: 'integer' },
    height: { type: 'integer' },
  },
  { title: 'Upload', optional: ['thumbnailUrl', 'width', 'height'] },
);
const CACHE_IMMUTABLE = 'private, max-age=31536000, immutable';

/**
 * Uploads (docs/media.md), one flow in both modes: `POST /v1/uploads` checks the kind, size and
 * type and answers with where to PUT the bytes (the gateway itself in embedded mode, a presigned
 * S3 URL in cluster mode); `POST /v1/uploads/:kind/:id/complete` checks what arrived, makes an
 * image's thumbnail, and answers with the URLs; `GET /v1/media/...` hands the bytes out.
 */
export function mediaRoutes(app: FastifyInstance, ctx: RoutesContext, m: MediaDeps | undefined): void {
  const bearer = bearerRoutes(app, ctx);
  const store = (): MediaStore => {
    if (m === undefined) throw new AppError('IM_ERR_UNAVAILABLE', 'no media storage is configured (IM_S3_BUCKET)');
    return m.store;
  };
  const settings = m?.settings;
  const base = (request: FastifyRequest): string =>
    settings?.publicUrl ?? `${request.protocol}://${request.headers.host ?? 'localhost'}`;
  const rules = (kind: MediaKind) => (settings as MediaSettings).kinds[kind];

  bearer.post<{ Body: { kind: MediaKind; contentType: string; size: number; fileName?: string } }>(
    '/v1/uploads',
    {
      summary:
        'Start an upload: checks the size and type for its kind and answers with where to PUT the bytes (then call complete)',
      body: {
        type: 'object',
        required: ['kind', 'contentType', 'size'],
        additionalProperties: false,
        properties: {
          kind: { type: 'string', enum: [...MEDIA_KINDS] },
          contentType: { type: 'string', minLength: 3, maxLength: 255 },
          size: { type: 'integer', minimum: 1 },
          fileName: { type: 'string', maxLength: 255 },
        },
      },
      response: {
        200: object(
          {
            uploadId: str,
            kind: str,
            url: str,
            thumbnailUrl: str,
            expiresAt: { type: 'integer' },
            upload: object(
              {
                url: { type: 'string', description: 'PUT the bytes here, with exactly these headers.' },
                method: { const: 'PUT' },
                headers: { type: 'object', additionalProperties: { type: 'string' } },
              },
              { title: 'UploadTarget' },
            ),
          },
          { title: 'UploadStarted', optional: ['thumbnailUrl'] },
        ),
      },
    },
    async (sub, request) => {
      const media = store();
      const { kind, size } = request.body;
      const contentType = request.body.contentType.toLowerCase().split(';')[0]?.trim() ?? '';
      const rule = rules(kind);
      if (size > rule.maxBytes)
        throw new AppError('IM_ERR_TOO_LARGE', `a ${kind} may be at most ${rule.maxBytes} bytes (this one: ${size})`);
      if (!rule.types.includes(contentType))
        throw new AppError('IM_ERR_UNSUPPORTED_MEDIA_TYPE', `a ${kind} may be one of: ${rule.types.join(', ')}`);
      const id = newId();
      const key = keyOf(kind, id);
      const expiresAt = ctx.clock.now() + (settings as MediaSettings).uploadTtlMs;
      const intent = { key, contentType, size, owner: sub, fileName: request.body.fileName ?? '', expiresAt };
      const target = await media.uploadTarget(intent, base(request));
      const url = `${base(request)}/v1/media/${key}`;
      return {
        uploadId: id,
        kind,
        url,
        ...(kind === 'image' ? { thumbnailUrl: `${url}/thumbnail` } : {}),
        expiresAt,
        upload: target,
      };
    },
  );

  if (m?.tokens !== undefined) putRoute(app, ctx, m as Required<MediaDeps>);

  bearer.post<{ Params: { kind: MediaKind; id: string } }>(
    '/v1/uploads/:kind/:id/complete',
    {
      summary:
        'Finish an upload (the uploader): checks what arrived; an image must decode, and gets its thumbnail; a refused one is deleted',
      params: mediaParams,
      response: { 200: uploaded },
    },
    async (sub, request) => {
      const media = store();
      const { kind, id } = request.params;
      const key = keyOf(kind, id);
      const object = await media.head(key);
      if (object === undefined || object.owner !== sub)
        throw new AppError('IM_ERR_NOT_FOUND', 'no such upload of yours');
      const rule = rules(kind);
      const refuse = async (error: AppError): Promise<never> => {
        await media.remove(key);
        ctx.logger.info({ userId: sub, key, reason: error.message }, 'upload refused and deleted');
        throw error;
      };
      if (object.size > rule.maxBytes)
        await refuse(new AppError('IM_ERR_TOO_LARGE', `a ${kind} may be at most ${rule.maxBytes} bytes`));
      if (!rule.types.includes(object.contentType))
        await refuse(
          new AppError('IM_ERR_UNSUPPORTED_MEDIA_TYPE', `a ${kind} may be one of: ${rule.types.join(', ')}`),
        );
      const url = `${base(request)}/v1/media/${key}`;
      const answer = { uploadId: id, kind, url, contentType: object.contentType, size: object.size };
      if (kind !== 'image') return answer;
      const thumb = await makeThumbnail(await media.read(key));
      if (thumb === undefined)
        return refuse(new AppError('IM_ERR_UNSUPPORTED_MEDIA_TYPE', `the bytes are not a ${object.contentType} image`));
      await media.put(thumbKey(key), thumb.bytes, { ...object, contentType: THUMBNAIL_TYPE, size: thumb.bytes.length });
      return { ...answer, thumbnailUrl: `${url}/thumbnail`, width: thumb.width, height: thumb.height };
    },
  );

  const serve =
    (thumbnail: boolean) =>
    async (request: FastifyRequest<{ Params: { kind: MediaKind; id: string } }>, reply: FastifyReply) => {
      const media = store();
      const key = keyOf(request.params.kind, request.params.id);
      const wanted = thumbnail ? thumbKey(key) : key;
      const object = await media.head(wanted);
      if (object === undefined) throw new AppError('IM_ERR_NOT_FOUND', 'no such media');
      const out = await media.download(wanted, object);
      if ('redirect' in out) return reply.header('cache-control', 'private, max-age=60').redirect(out.redirect, 302);
      return reply
        .header('content-type', object.contentType)
        .header('content-length', String(object.size))
        .header('cache-control', CACHE_IMMUTABLE)
        .header('etag', `"${request.params.id}${thumbnail ? '-t' : ''}"`)
        .header('x-content-type-options', 'nosniff')
        .header('content-disposition', disposition(request.params.kind, object))
        .send(out.stream());
    };
  const served = (what: string, type: string): FastifySchema => ({
    summary: `${what} (no token: the unguessable URL is the permission; embedded: the bytes, cluster: a redirect to a signed S3 URL)`,
    security: 'none' as const,
    params: mediaParams,
    response: {
      200: { type: 'string', contentMediaType: type, description: 'The bytes, with their own content type.' },
      302: { type: 'null', description: 'Cluster mode: to a signed S3 GET URL (valid IM_S3_GET_TTL_S).' },
    },
  });
  app.get('/v1/media/:kind/:id', { schema: served('An uploaded file', 'application/octet-stream') }, serve(false));
  app.get('/v1/media/:kind/:id/thumbnail', { schema: served('An image’s thumbnail', THUMBNAIL_TYPE) }, serve(true));
}

function disposition(kind: MediaKind, object: MediaObject): string {
  if (kind !== 'file') return 'inline';
  const name = object.fileName === '' ? 'file' : object.fileName;
  return `attachment; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}

/** Embedded mode: the gateway receives the bytes of an upload it signed (raw body, exactly the agreed type and size). */
function putRoute(app: FastifyInstance, ctx: RoutesContext, m: Required<MediaDeps>): void {
  const largest = Math.max(...Object.values(m.settings.kinds).map((k) => k.maxBytes));
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: largest }, (_req, body, done) => done(null, body));
    scope.put<{ Params: { kind: MediaKind; id: string }; Querystring: { token: string } }>(
      '/v1/uploads/:kind/:id',
      {
        bodyLimit: largest,
        schema: {
          summary:
            'Embedded mode: the upload URL itself — PUT the raw bytes with the content type given (no bearer token)',
          security: 'none',
          rawBody: true,
          params: mediaParams,
          querystring: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } },
          response: { 204: { type: 'null' } },
        },
      },
      async (request, reply) => {
        const intent = m.tokens.verify(request.query.token, ctx.clock.now());
        const key = keyOf(request.params.kind, request.params.id);
        if (intent === undefined || intent.key !== key)
          throw new AppError('IM_ERR_FORBIDDEN', 'the upload URL is not valid (expired, or not for this upload)');
        const type = (request.headers['content-type'] ?? '').toLowerCase().split(';')[0]?.trim();
        if (type !== intent.contentType)
          throw new AppError('IM_ERR_UNSUPPORTED_MEDIA_TYPE', `this upload URL takes ${intent.contentType} only`);
        const body = request.body as Buffer | undefined;
        if (!Buffer.isBuffer(body) || body.length !== intent.size)
          throw new AppError('IM_ERR_BAD_REQUEST', `this upload URL takes exactly ${intent.size} bytes`);
        await m.store.put(key, body, {
          contentType: intent.contentType,
          size: intent.size,
          owner: intent.owner,
          fileName: intent.fileName,
        });
        return reply.status(204).send();
      },
    );
  });
}
