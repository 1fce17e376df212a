import sharp from 'sharp';

/** Thumbnails fit in this square, in WebP. */
export const THUMBNAIL_SIZE = 256;
export const THUMBNAIL_TYPE = 'image/webp';

export interface Thumbnail {
  readonly bytes: Buffer;
  /** The original's dimensions. */
  readonly width: number;
  readonly height: number;
}

/**
 * Decodes an uploaded image (sharp, whose libvips ships in its npm packages) and makes its
 * thumbnail; undefined when the bytes are not an image of a format sharp reads. Decoding is
 * bounded: at most 50 megapixels, first frame only.
 */
export async function makeThumbnail(bytes: Buffer): Promise<Thumbnail | undefined> {
  try {
    const image = sharp(bytes, { limitInputPixels: 50_000_000, failOn: 'error' });
    const meta = await image.metadata();
    if (meta.width === undefined || meta.height === undefined) return undefined;
    const thumb = await image
      .rotate()
      .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: 'inside', withoutEnlargement: true })
      .webp({ quality: 75 })
      .toBuffer();
    return { bytes: thumb, width: meta.width, height: meta.height };
  } catch {
    return undefined;
  }
}
