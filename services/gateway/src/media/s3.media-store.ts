import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { Download, MediaObject, MediaStore, UploadIntent, UploadTarget } from './media.store';

export interface S3MediaStoreOptions {
  readonly endpoint: string;
  readonly region: string;
  readonly bucket: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly forcePathStyle: boolean;
  /** Lifetime of a signed GET URL (ms). */
  readonly getTtlMs: number;
}

const status = (e: unknown): number | undefined =>
  (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;

/**
 * Media in S3-compatible object storage (@aws-sdk/client-s3). The bucket stays private: a
 * client PUTs an upload to a presigned URL whose signature covers the content type, the length
 * and the owner metadata (S3 refuses anything else), and a media URL is answered with a redirect
 * to a fresh GET URL signed for `getTtlMs`. The gateway never carries the bytes, except the
 * images it reads once to make their thumbnails.
 */
export class S3MediaStore implements MediaStore {
  private readonly s3: S3Client;

  constructor(private readonly o: S3MediaStoreOptions) {
    this.s3 = new S3Client({
      endpoint: o.endpoint,
      region: o.region,
      forcePathStyle: o.forcePathStyle,
      credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey },
      // Checksums only when an operation requires one: S3-compatible servers differ in the newer ones.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  }

  /** Creates the bucket when it does not exist (idempotent). */
  async ensureBucket(): Promise<void> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.o.bucket }));
    } catch (e) {
      if (status(e) !== 404) throw e;
      try {
        await this.s3.send(new CreateBucketCommand({ Bucket: this.o.bucket }));
      } catch (created) {
        // Another gateway starting beside this one made it first.
        if ((created as { name?: string }).name !== 'BucketAlreadyOwnedByYou') throw created;
      }
    }
  }

  async uploadTarget(intent: UploadIntent): Promise<UploadTarget> {
    const metadata = { owner: intent.owner, filename: encodeURIComponent(intent.fileName) };
    const command = new PutObjectCommand({
      Bucket: this.o.bucket,
      Key: intent.key,
      ContentType: intent.contentType,
      ContentLength: intent.size,
      Metadata: metadata,
    });
    const headers = {
      'content-type': intent.contentType,
      'x-amz-meta-owner': metadata.owner,
      'x-amz-meta-filename': metadata.filename,
    };
    const url = await getSignedUrl(this.s3, command, {
      expiresIn: Math.max(1, Math.floor((intent.expiresAt - Date.now()) / 1000)),
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['x-amz-meta-owner', 'x-amz-meta-filename']),
    });
    return { url, method: 'PUT', headers };
  }

  async head(key: string): Promise<MediaObject | undefined> {
    try {
      const h = await this.s3.send(new HeadObjectCommand({ Bucket: this.o.bucket, Key: key }));
      return {
        contentType: h.ContentType ?? 'application/octet-stream',
        size: h.ContentLength ?? 0,
        owner: h.Metadata?.owner ?? '',
        fileName: decodeURIComponent(h.Metadata?.filename ?? ''),
      };
    } catch (e) {
      if (status(e) === 404) return undefined;
      throw e;
    }
  }

  async read(key: string): Promise<Buffer> {
    const got = await this.s3.send(new GetObjectCommand({ Bucket: this.o.bucket, Key: key }));
    return Buffer.from(await (got.Body as { transformToByteArray(): Promise<Uint8Array> }).transformToByteArray());
  }

  async put(key: string, bytes: Buffer, object: MediaObject): Promise<void> {
    await this.s3.send(
      new PutObjectCommand({
        Bucket: this.o.bucket,
        Key: key,
        Body: bytes,
        ContentType: object.contentType,
        Metadata: { owner: object.owner, filename: encodeURIComponent(object.fileName) },
      }),
    );
  }

  async remove(key: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.o.bucket, Key: key }));
  }

  async download(key: string, object: MediaObject): Promise<Download> {
    const command = new GetObjectCommand({
      Bucket: this.o.bucket,
      Key: key,
      ResponseContentType: object.contentType,
      ResponseCacheControl: 'private, max-age=31536000, immutable',
    });
    return { redirect: await getSignedUrl(this.s3, command, { expiresIn: Math.floor(this.o.getTtlMs / 1000) }) };
  }

  async ping(): Promise<boolean> {
    try {
      await this.s3.send(new HeadBucketCommand({ Bucket: this.o.bucket }));
      return true;
    } catch {
      return false;
    }
  }

  close(): void {
    this.s3.destroy();
  }
}
