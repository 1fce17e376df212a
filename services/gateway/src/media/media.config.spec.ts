import { loadConfig } from '@im/common';
import { MEDIA_CONFIG, mediaConfigProblems, mediaSettings } from './media.config';

describe('media configuration', () => {
  it('reads limits and type lists per kind, and trims the public URL', () => {
    const c = loadConfig(MEDIA_CONFIG, {
      IM_MEDIA_MAX_IMAGE_BYTES: '1000',
      IM_MEDIA_VOICE_TYPES: 'audio/amr,audio/mpeg',
      IM_MEDIA_PUBLIC_URL: 'https://im.example.com/',
    });
    const s = mediaSettings(c);
    expect(s.kinds.image).toEqual({ maxBytes: 1000, types: ['image/jpeg', 'image/png', 'image/gif', 'image/webp'] });
    expect(s.kinds.voice.types).toEqual(['audio/amr', 'audio/mpeg']);
    expect(s.publicUrl).toBe('https://im.example.com');
    expect(s.uploadTtlMs).toBe(900_000);
  });

  it('refuses a limit that is not a positive integer at start', () => {
    expect(() => loadConfig(MEDIA_CONFIG, { IM_MEDIA_MAX_FILE_BYTES: '0' })).toThrow(/IM_MEDIA_MAX_FILE_BYTES/);
    expect(() => loadConfig(MEDIA_CONFIG, { IM_MEDIA_MAX_VIDEO_BYTES: 'lots' })).toThrow(/not an integer/);
  });

  it('names a half-configured object storage (cluster) and a public URL that is not http(s)', () => {
    const half = loadConfig(MEDIA_CONFIG, { IM_S3_BUCKET: 'media', IM_MEDIA_PUBLIC_URL: 'ftp://x' });
    expect(mediaConfigProblems(half, 'cluster')).toEqual([
      'IM_MEDIA_PUBLIC_URL: must be an http(s) URL',
      'IM_S3_ENDPOINT: required when IM_S3_BUCKET is set',
      'IM_S3_ACCESS_KEY_ID: required when IM_S3_BUCKET is set',
      'IM_S3_SECRET_ACCESS_KEY: required when IM_S3_BUCKET is set',
    ]);
    expect(mediaConfigProblems(half, 'embedded')).toEqual(['IM_MEDIA_PUBLIC_URL: must be an http(s) URL']);
  });
});
