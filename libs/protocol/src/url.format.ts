/**
 * URLs on the wire (image, file, voice and video content, location snapshots, avatars): an
 * absolute `http:` or `https:` URL with a host, at most {@link MAX_URL_LENGTH} characters, no
 * spaces or control characters. Anything else (`javascript:`, `data:`, `file:`, relative paths)
 * is refused with `IM_ERR_BAD_URL`: a client that renders the field would run or load it.
 */
export const MAX_URL_LENGTH = 2048;

/** True when `value` holds whitespace or an ASCII control character (which `new URL` would silently strip). */
function hasUnsafeCharacter(value: string): boolean {
  if (/\s/.test(value)) return true;
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Why `value` is not an acceptable URL, or undefined when it is. */
export function urlProblem(value: string): string | undefined {
  if (value.length > MAX_URL_LENGTH) return `longer than ${MAX_URL_LENGTH} characters`;
  if (hasUnsafeCharacter(value)) return 'contains spaces or control characters';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'is not an absolute URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `must be http or https, not ${url.protocol}`;
  if (url.hostname === '') return 'has no host';
  return undefined;
}

/** True for an acceptable URL (see {@link urlProblem}). */
export function isSafeUrl(value: unknown): value is string {
  return typeof value === 'string' && urlProblem(value) === undefined;
}
