import { describe, expect, it } from 'vitest';
import { KubeApiError, apiErrorMessage } from '../../../src/kube/api-error.js';

describe('apiErrorMessage', () => {
  it.each([
    {
      err: new KubeApiError(
        409,
        { reason: 'Conflict', message: 'the object has been modified' },
        'PUT /apis/rolegate.io/v1alpha1/namespaces/a/privilegedroles/r/status',
      ),
      want: 'PUT /apis/rolegate.io/v1alpha1/namespaces/a/privilegedroles/r/status: HTTP 409 Conflict: the object has been modified',
      reason: 'an API answer names the request, the status, the reason and the message',
    },
    {
      err: new KubeApiError(502, undefined, 'GET /apis/rolegate.io/v1alpha1/privilegedroles'),
      want: 'GET /apis/rolegate.io/v1alpha1/privilegedroles: HTTP 502',
      reason: 'an answer that was not a Status (a proxy page) still names the request and code',
    },
    {
      err: new Error('connect ECONNREFUSED 127.0.0.1:6443\n    at TCPConnectWrap'),
      want: 'connect ECONNREFUSED 127.0.0.1:6443',
      reason: 'a plain Error: its first line, no stack',
    },
    {
      err: Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
      want: 'AbortError: The operation was aborted',
      reason: 'a named error keeps its name, which says what happened',
    },
    { err: 'boom', want: 'boom', reason: 'something thrown that is not an Error' },
  ])('$reason', ({ err, want }) => {
    expect(apiErrorMessage(err)).toBe(want);
  });

  it('cuts a long server message', () => {
    const err = new KubeApiError(422, { message: 'x'.repeat(1000) }, 'POST /x');
    expect(apiErrorMessage(err)).toHaveLength(300);
  });
});
