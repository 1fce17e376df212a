import { iceConfigProblems, iceServersFor, turnCredential } from './ice-servers';

describe('ICE servers', () => {
  it('makes the TURN REST credential coturn checks: base64(HMAC-SHA1(secret, "<expiry>:<user>"))', () => {
    // The same as: printf '1796662399:alice' | openssl dgst -sha1 -hmac testsecret -binary | base64
    expect(turnCredential('testsecret', 'alice', 1796662399)).toEqual({
      username: '1796662399:alice',
      credential: 'aKuYHiv7dMGHrrGsncysutnWI0c=',
    });
  });

  it('lists STUN, then TURN with a credential that expires after the configured time', () => {
    const settings = { stunUrls: ['stun:s:3478'], turnUrls: ['turn:t:3478'], turnSecret: 'k', credentialTtlS: 60 };
    const answer = iceServersFor(settings, 'bob', 1_700_000_000_500);
    expect(answer.expiresAt).toBe(1_700_000_060_000);
    expect(answer.iceServers).toEqual([
      { urls: ['stun:s:3478'] },
      { urls: ['turn:t:3478'], ...turnCredential('k', 'bob', 1_700_000_060) },
    ]);
  });

  it('answers no TURN entry and no expiry without a TURN server', () => {
    const settings = { stunUrls: [], turnUrls: [], turnSecret: undefined, credentialTtlS: 60 };
    expect(iceServersFor(settings, 'bob', 0)).toEqual({ iceServers: [] });
  });

  it('refuses URLs of the wrong scheme and TURN without a secret at start-up', () => {
    expect(
      iceConfigProblems({ IM_STUN_URLS: ['stun:a:1'], IM_TURN_URLS: ['turns:b:5349'], IM_TURN_SECRET: 's' }),
    ).toEqual([]);
    expect(
      iceConfigProblems({ IM_STUN_URLS: ['http://a'], IM_TURN_URLS: ['turn:b:1'], IM_TURN_SECRET: undefined }),
    ).toEqual([
      'IM_STUN_URLS: http://a is not a stun: or stuns: URL',
      'IM_TURN_SECRET: required when IM_TURN_URLS is set',
    ]);
  });
});
