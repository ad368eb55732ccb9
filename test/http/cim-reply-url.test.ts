import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allowedUrl as replyUrl } from '../../src/services/outbound-url';

describe('ReplyAddress allow-list (CIM_REPLY_URLS)', () => {
  const allowed = [new URL('https://esb.example/cim/replies'), new URL('http://mdm.local:8080/')];
  const ok = (address: string) => replyUrl(address, allowed)?.href;

  it('takes addresses at or below an allowed URL on the same origin', () => {
    assert.equal(ok('https://esb.example/cim/replies'), 'https://esb.example/cim/replies');
    assert.equal(ok('https://esb.example/cim/replies/42?x=1'), 'https://esb.example/cim/replies/42?x=1');
    assert.equal(ok('http://mdm.local:8080/anything'), 'http://mdm.local:8080/anything');
  });

  it('refuses look-alike paths, paths that leave it (also encoded), credentials, other origins, other schemes and no allow-list', () => {
    for (const address of [
      'https://esb.example/cim/replies-evil',
      'https://esb.example/cim',
      'http://esb.example/cim/replies',
      'https://esb.example.attacker.test/cim/replies',
      'https://esb.example:8443/cim/replies',
      'http://mdm.local:8081/',
      'https://esb.example/cim/replies/../admin',
      'https://esb.example/cim/replies/..%2Fadmin',
      'https://esb.example/cim/replies/%2e%2e%2fadmin',
      'https://esb.example/cim/replies/..%5cadmin',
      'https://esb.example/cim/replies/%252e%252e/admin',
      'https://user:secret@esb.example/cim/replies',
      'https://esb.example@evil.example/cim/replies',
      'http://169.254.169.254/latest/meta-data/',
      'file:///etc/passwd',
      'not a url',
      '',
    ]) {
      assert.equal(ok(address), undefined, address);
    }
    assert.equal(replyUrl('https://esb.example/cim/replies', []), undefined);
  });
});
