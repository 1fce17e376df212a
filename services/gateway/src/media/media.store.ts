import { createReadStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';

/** What is known of a stored object besides its bytes. */
export interface MediaObject {
  readonly contentType: string;
  readonly size: number;
  /** The user who uploaded it. */
  readonly owner: string;
  /** The name the uploader gave (files), '' when none. */
  readonly fileName: string;
}

/** Where and how a client sends an upload's bytes. */
export interface UploadTarget {
  readonly url: string;
  readonly method: 'PUT';
  /** Headers the client must send as given (they are part of the signature). */
  readonly headers: Record<string, string>;
}

/** What an upload URL is made for: the object it will create. */
export interface UploadIntent extends MediaObject {
  readonly key: string;
  readonly expiresAt: number;
}

/** How the gateway hands out the bytes of an object. */
export type Download = { readonly redirect: string } | { readonly stream: () => Readable };

/**
 * Storage of uploaded media. Embedded: files under IM_DATA_DIR (DiskMediaStore, the gateway
 * receives and serves the bytes); cluster: S3-compatible object storage (S3MediaStore: the
 * client sends and fetches the bytes with signed URLs, the gateway never streams them).
 */
export interface MediaStore {
  /** The URL the client PUTs the bytes to; `gatewayBase` is the gateway's own base URL. */
  uploadTarget(intent: UploadIntent, gatewayBase: string): Promise<UploadTarget>;
  head(key: string): Promise<MediaObject | undefined>;
  read(key: string): Promise<Buffer>;
  /** Stores bytes the server made (thumbnails). */
  put(key: string, bytes: Buffer, object: MediaObject): Promise<void>;
  remove(key: string): Promise<void>;
  download(key: string, object: MediaObject): Promise<Download>;
  /** True when the backend answers (for /readyz). */
  ping(): Promise<boolean>;
}

/** Media as files: `<dir>/<key>` and its description `<dir>/<key>.json`, each written whole then renamed. */
export class DiskMediaStore implements MediaStore {
  constructor(
    private readonly dir: string,
    /** Makes the token of a gateway upload URL (media.routes.ts checks it). */
    private readonly signUpload: (intent: UploadIntent) => string,
  ) {}

  async uploadTarget(intent: UploadIntent, gatewayBase: string): Promise<UploadTarget> {
    return {
      url: `${gatewayBase}/v1/uploads/${intent.key}?token=${encodeURIComponent(this.signUpload(intent))}`,
      method: 'PUT',
      headers: { 'content-type': intent.contentType },
    };
  }

  async head(key: string): Promise<MediaObject | undefined> {
    try {
      const meta = JSON.parse(await readFile(this.path(`${key}.json`), 'utf8')) as MediaObject;
      await stat(this.path(key));
      return meta;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }

  async put(key: string, bytes: Buffer, object: MediaObject): Promise<void> {
    await this.writeWhole(key, bytes);
    await this.writeWhole(`${key}.json`, Buffer.from(JSON.stringify(object)));
  }

  async remove(key: string): Promise<void> {
    await rm(this.path(`${key}.json`), { force: true });
    await rm(this.path(key), { force: true });
  }

  async download(key: string): Promise<Download> {
    return { stream: () => createReadStream(this.path(key)) };
  }

  async ping(): Promise<boolean> {
    await mkdir(this.dir, { recursive: true });
    return true;
  }

  private path(key: string): string {
    // Keys are made by the gateway and checked by the routes (kind/id); never a client path.
    if (!/^[a-z]+\/[A-Za-z0-9_-]+(\.thumb)?(\.json)?$/.test(key)) throw new Error(`not a media key: ${key}`);
    return join(this.dir, key);
  }

  private async writeWhole(key: string, bytes: Buffer): Promise<void> {
    const target = this.path(key);
    await mkdir(dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(tmp, bytes);
    await rename(tmp, target);
  }
}
