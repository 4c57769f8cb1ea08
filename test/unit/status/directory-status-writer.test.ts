// The status file carries each object's first-seen time from one run to the next; whatever the file holds, a
// restart must start (with no ages rather than fail) and take only well-formed times.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readFirstSeen, roleStatusLine } from '../../../src/status/directory-status-writer.js';

const dir = mkdtempSync(join(tmpdir(), 'rolegate-status-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T1 = '2026-01-02T03:04:05.678Z';
const T2 = '2026-02-03T04:05:06.789Z';

describe('readFirstSeen', () => {
  it.each<{ reason: string; text: string | undefined; want: Record<string, string> }>([
    { reason: 'no status file yet (first run)', text: undefined, want: {} },
    { reason: 'a file cut short by a crash is not JSON', text: '{"roles": [', want: {} },
    { reason: 'another JSON shape', text: '[1, 2]', want: {} },
    {
      reason: 'roles by namespace/name and providers by name',
      text: JSON.stringify({
        roles: [{ key: 'identity/a', creationTimestamp: T1 }],
        providers: [{ name: 'tenant', creationTimestamp: T2 }],
      }),
      want: { 'PrivilegedRole/identity/a': T1, 'IdentityProvider/tenant': T2 },
    },
    {
      reason: 'entries without a time, or with one that is not a time, give none',
      text: JSON.stringify({
        roles: [
          { key: 'identity/a' },
          { key: 'identity/b', creationTimestamp: 'yesterday' },
          { key: 'identity/c', creationTimestamp: 42 },
          { creationTimestamp: T1 },
        ],
      }),
      want: {},
    },
  ])('$reason', async ({ text, want }) => {
    const file = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    if (text !== undefined) writeFileSync(file, text);
    expect(Object.fromEntries(await readFirstSeen(file))).toEqual(want);
  });
});

describe('roleStatusLine', () => {
  const c = (
    type: string,
    status: 'True' | 'False' | 'Unknown',
    reason: string,
    message: string,
  ) => ({
    type,
    status,
    reason,
    message,
    lastTransitionTime: T1,
  });
  const ready = c('Ready', 'True', 'InSync', 'Activation of X requires MFA, as declared');
  const mfa = c('MFAEnforced', 'True', 'MFARequired', 'm');
  it.each([
    {
      reason: 'holders not judged: the line is as it always was',
      conditions: [ready, mfa, c('HoldersCovered', 'Unknown', 'HoldersNotObserved', 'n')],
      want: 'identity/x: Ready=True (InSync) MFAEnforced=True: Activation of X requires MFA, as declared',
    },
    {
      reason: 'every holder covered: said, nothing more',
      conditions: [ready, mfa, c('HoldersCovered', 'True', 'AllHoldersCovered', 'All 2')],
      want: 'identity/x: Ready=True (InSync) MFAEnforced=True HoldersCovered=True: Activation of X requires MFA, as declared',
    },
    {
      reason: 'holders not covered: named, with the reason',
      conditions: [
        ready,
        mfa,
        c(
          'HoldersCovered',
          'False',
          'StandingAccessWithoutMfa',
          '1 of 1 holdings of X are not behind MFA: bob',
        ),
      ],
      want: 'identity/x: Ready=True (InSync) MFAEnforced=True HoldersCovered=False: Activation of X requires MFA, as declared; StandingAccessWithoutMfa: 1 of 1 holdings of X are not behind MFA: bob',
    },
  ])('$reason', ({ conditions, want }) => {
    expect(roleStatusLine('identity/x', { conditions })).toBe(want);
  });
});
