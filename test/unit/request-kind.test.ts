// Which request a body is, whichever URL it was posted to: the body decides, the URL only when the
// body does not say.
import { describe, expect, it } from 'vitest';
import { requestKind } from '../../src/protocol/request-kind.js';
import { callbackBody, checkDepositRequest, verifyRequest } from '../support/platform.js';

describe('requestKind', () => {
  it.each(['terminal', 'callback'] as const)(
    'posted to /%s: a callback is a callback, verify and check_deposit are terminal requests',
    (at) => {
      expect(requestKind(callbackBody('p', 100), at)).toBe('callback');
      expect(requestKind({ project_id: 1, general: { signature: 's' }, payment: { id: 'p' } }, at)).toBe('callback');
      expect(requestKind(verifyRequest('a'), at)).toBe('terminal');
      expect(requestKind(checkDepositRequest('a', 100), at)).toBe('terminal');
      expect(requestKind({ type: null, project_id: 1 }, at)).toBe('terminal');
    },
  );

  it.each(['terminal', 'callback'] as const)('posted to /%s: a body that does not say is what the URL takes', (at) => {
    for (const body of [
      null,
      'verify',
      [callbackBody('p', 100)],
      {},
      { project_id: 1 },
      { payment: 'p' },
      { payment: null },
      { payment: ['p'] },
      { type: 'verify', payment: { id: 'p' } },
    ]) {
      expect(requestKind(body, at), JSON.stringify(body)).toBe(at);
    }
  });
});
