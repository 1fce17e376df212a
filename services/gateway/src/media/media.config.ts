import type { ConfigOf, ConfigSchema } from '@im/common';

/** What an upload is for: the message types that carry it (3 image, 4 file, 16 voice, 30 short video) and avatars. */
export const MEDIA_KINDS = ['image', 'file', 'voice', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

const MiB = 1024 * 1024;

/** Uploads: limits per kind, accepted content types, and (cluster mode) the S3-compatible object storage. */
export const MEDIA_CONFIG = {
  IM_MEDIA_MAX_IMAGE_BYTES: { kind: 'int', default: 10 * MiB, min: 1, doc: 'Largest image upload, in bytes.' },
  IM_MEDIA_MAX_FILE_BYTES: { kind: 'int', default: 50 * MiB, min: 1, doc: 'Largest file upload, in bytes.' },
  IM_MEDIA_MAX_VOICE_BYTES: { kind: 'int', default: 5 * MiB, min: 1, doc: 'Largest voice upload, in bytes.' },
  IM_MEDIA_MAX_VIDEO_BYTES: { kind: 'int', default: 100 * MiB, min: 1, doc: 'Largest video upload, in bytes.' },
  IM_MEDIA_IMAGE_TYPES: {
    kind: 'list',
    default: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'],
    doc: 'Content types accepted for images (comma-separated); each image must also decode as one (a thumbnail is made).',
  },
  IM_MEDIA_FILE_TYPES: {
    kind: 'list',
    default: [
      'application/pdf',
      'application/zip',
      'text/plain',
      'application/msword',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'application/octet-stream',
    ],
    doc: 'Content types accepted for files (comma-separated).',
  },
  IM_MEDIA_VOICE_TYPES: {
    kind: 'list',
    default: ['audio/mpeg', 'audio/mp4', 'audio/aac', 'audio/ogg', 'audio/webm', 'audio/amr', 'audio/wav'],
    doc: 'Content types accepted for voice messages (comma-separated).',
  },
  IM_MEDIA_VIDEO_TYPES: {
    kind: 'list',
    default: ['video/mp4', 'video/webm', 'video/quicktime'],
    doc: 'Content types accepted for short videos (comma-separated).',
  },
  IM_MEDIA_PUBLIC_URL: {
    kind: 'string',
    doc: 'Base of the media URLs the upload answer returns (`https://im.example.com`); unset: the scheme and Host of the upload request.',
  },
  IM_MEDIA_UPLOAD_TTL_S: {
    kind: 'int',
    default: 900,
    min: 10,
    max: 604800,
    doc: 'How long the upload URL an upload answer returns can be used.',
  },
  IM_S3_BUCKET: {
    kind: 'string',
    doc: 'Cluster mode: bucket of uploaded media in S3-compatible object storage; unset: no upload service in cluster mode.',
  },
  IM_S3_ENDPOINT: {
    kind: 'string',
    doc: 'Cluster mode: S3 endpoint URL (`https://s3.eu-west-1.amazonaws.com`, a MinIO or SeaweedFS address); clients reach it directly with the signed URLs.',
  },
  IM_S3_REGION: { kind: 'string', default: 'us-east-1', doc: 'Cluster mode: S3 region (signing).' },
  IM_S3_ACCESS_KEY_ID: { kind: 'string', secret: true, doc: 'Cluster mode: S3 access key id.' },
  IM_S3_SECRET_ACCESS_KEY: { kind: 'string', secret: true, doc: 'Cluster mode: S3 secret access key.' },
  IM_S3_FORCE_PATH_STYLE: {
    kind: 'bool',
    default: true,
    doc: 'Cluster mode: path-style bucket URLs (`<endpoint>/<bucket>/<key>`), as MinIO and SeaweedFS need.',
  },
  IM_S3_GET_TTL_S: {
    kind: 'int',
    default: 300,
    min: 10,
    max: 604800,
    doc: 'Cluster mode: lifetime of the signed S3 GET URL a media URL redirects to (each fetch gets a fresh one).',
  },
} as const satisfies ConfigSchema;

export type MediaConfig = ConfigOf<typeof MEDIA_CONFIG>;

export interface KindRules {
  readonly maxBytes: number;
  readonly types: readonly string[];
}

/** The upload rules the gateway applies. */
export interface MediaSettings {
  readonly kinds: Readonly<Record<MediaKind, KindRules>>;
  /** Undefined: the scheme and host of each request. */
  readonly publicUrl: string | undefined;
  readonly uploadTtlMs: number;
}

export function mediaSettings(c: MediaConfig): MediaSettings {
  return {
    kinds: {
      image: { maxBytes: c.IM_MEDIA_MAX_IMAGE_BYTES, types: c.IM_MEDIA_IMAGE_TYPES },
      file: { maxBytes: c.IM_MEDIA_MAX_FILE_BYTES, types: c.IM_MEDIA_FILE_TYPES },
      voice: { maxBytes: c.IM_MEDIA_MAX_VOICE_BYTES, types: c.IM_MEDIA_VOICE_TYPES },
      video: { maxBytes: c.IM_MEDIA_MAX_VIDEO_BYTES, types: c.IM_MEDIA_VIDEO_TYPES },
    },
    publicUrl: c.IM_MEDIA_PUBLIC_URL?.replace(/\/+$/, ''),
    uploadTtlMs: c.IM_MEDIA_UPLOAD_TTL_S * 1000,
  };
}

/** Start-up problems: a public URL that is not http(s); in cluster mode, a half-configured object storage. */
export function mediaConfigProblems(c: MediaConfig, mode: 'cluster' | 'embedded'): string[] {
  const problems: string[] = [];
  if (c.IM_MEDIA_PUBLIC_URL !== undefined && !/^https?:\/\/[^/]+/.test(c.IM_MEDIA_PUBLIC_URL))
    problems.push('IM_MEDIA_PUBLIC_URL: must be an http(s) URL');
  if (mode === 'cluster' && c.IM_S3_BUCKET !== undefined) {
    for (const name of ['IM_S3_ENDPOINT', 'IM_S3_ACCESS_KEY_ID', 'IM_S3_SECRET_ACCESS_KEY'] as const)
      if (c[name] === undefined) problems.push(`${name}: required when IM_S3_BUCKET is set`);
  }
  return problems;
}
