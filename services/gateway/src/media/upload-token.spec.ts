import { UploadTokens } from './upload-token';

const intent = {
  key: 'image/AAAAAAAAAAAAAAAAAAAAAA',
  contentType: 'image/png',
  size: 10,
  owner: 'alice',
  fileName: '',
  expiresAt: 2_000,
};

describe(UploadTokens.name, () => {
  const tokens = new UploadTokens('secret-one');

  it('gives back the intent it signed, until it expires', () => {
    const token = tokens.sign(intent);
    expect(tokens.verify(token, 1_999)).toEqual(intent);
    expect(tokens.verify(token, 2_000)).toBeUndefined();
  });

  it('refuses a token changed in any way, or signed under another secret', () => {
    const token = tokens.sign(intent);
    const [body, mac] = token.split('.') as [string, string];
    const bigger = Buffer.from(JSON.stringify({ ...intent, size: 10_000_000 })).toString('base64url');
    expect(tokens.verify(`${bigger}.${mac}`, 0)).toBeUndefined();
    expect(tokens.verify(`${body}.${mac.slice(1)}x`, 0)).toBeUndefined();
    expect(tokens.verify(body, 0)).toBeUndefined();
    expect(new UploadTokens('secret-two').verify(token, 0)).toBeUndefined();
  });
});
