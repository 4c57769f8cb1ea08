// Pure classification of authentication contexts from Conditional Access policies.
import { describe, expect, it } from 'vitest';
import {
  classifyContexts,
  grantRequiresMfa,
  type GraphConditionalAccessPolicy,
} from '../../../../src/providers/entra/conditional-access.js';

const policy = (
  state: string,
  contexts: string[],
  grant: NonNullable<GraphConditionalAccessPolicy['grantControls']> | null,
): GraphConditionalAccessPolicy => ({
  id: `${state}-${contexts.join('')}`,
  state,
  conditions: { applications: { includeAuthenticationContextClassReferences: contexts } },
  grantControls: grant,
});

describe('grantRequiresMfa', () => {
  it.each([
    [{ operator: 'OR', builtInControls: ['mfa'] }, true],
    [{ operator: 'AND', builtInControls: ['mfa', 'compliantDevice'] }, true],
    [{ operator: 'OR', builtInControls: ['mfa', 'compliantDevice'] }, false],
    [{ operator: 'OR', builtInControls: ['block'] }, false],
    [{ operator: 'OR', builtInControls: [], authenticationStrength: { id: 'x' } }, true],
    [null, false],
  ])('%j → %s', (g, want) => {
    expect(grantRequiresMfa(g)).toBe(want);
  });
});

describe('classifyContexts', () => {
  it('takes the strongest verdict per context, case-insensitively', () => {
    const m = classifyContexts([
      policy('disabled', ['c1', 'C2'], { builtInControls: ['mfa'] }),
      policy('enabledForReportingButNotEnforced', ['c2'], { builtInControls: ['mfa'] }),
      policy('enabled', ['c3'], { builtInControls: ['compliantDevice'] }),
      policy('enabled', ['c3', 'c4'], { builtInControls: ['mfa'] }),
      policy('enabled', ['c5'], null),
    ]);
    expect(Object.fromEntries(m)).toEqual({
      c1: 'Disabled',
      c2: 'ReportOnly',
      c3: 'RequiresMfa',
      c4: 'RequiresMfa',
      c5: 'NoMfaControl',
    });
  });
});

describe('classifyContexts and who a policy names', () => {
  const withUsers = (
    users: NonNullable<NonNullable<GraphConditionalAccessPolicy['conditions']>['users']>,
  ): GraphConditionalAccessPolicy => ({
    id: 'p',
    state: 'enabled',
    conditions: { applications: { includeAuthenticationContextClassReferences: ['c1'] }, users },
    grantControls: { builtInControls: ['mfa'] },
  });
  it.each([
    [
      'includeUsers None names nobody: the context has no policy',
      { includeUsers: ['None'] },
      undefined,
    ],
    [
      'a role is someone',
      { includeUsers: [], includeRoles: ['62e90394-69f5-4237-9190-012177145e10'] },
      'RequiresMfa',
    ],
    [
      'an exclusion does not change the role-level verdict (holders are judged one by one)',
      { includeUsers: ['All'], excludeUsers: ['a1b2c3d4-0000-4000-8000-00000000000a'] },
      'RequiresMfa',
    ],
  ])('%s', (_reason, users, want) => {
    expect(classifyContexts([withUsers(users)]).get('c1')).toBe(want);
  });
});
