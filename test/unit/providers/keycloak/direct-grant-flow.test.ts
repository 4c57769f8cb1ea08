// Whether a direct grant (password grant) flow forces a second factor on a role's holders, judged from the realm
// export's flows (Keycloak 26.7.3's built-in "direct grant" as exported, and variants an admin could build).
import { describe, expect, it } from 'vitest';
import { rowsFromExport } from '../../../../src/providers/keycloak/exported-flow.js';
import {
  assessRole,
  buildModel,
  DIRECT_GRANT_STEPS,
  type AuthenticatorConfig,
  type RoleKey,
} from '../../../../src/providers/keycloak/flow-model.js';
import type { FlowRep } from '../../../../src/providers/keycloak/realm-state.js';
import { roleDirectory } from '../../../../src/providers/keycloak/role-names.js';

const BG: RoleKey = { id: 'R-BG', name: 'breakglass' };
const names = roleDirectory([{ id: 'R-BG', name: 'breakglass' }], {}, ['admin-cli']);

/** The built-in flow as POST .../partial-export gives it on a new realm. */
const BUILT_IN: FlowRep[] = [
  {
    alias: 'direct grant',
    builtIn: true,
    topLevel: true,
    authenticationExecutions: [
      { authenticator: 'direct-grant-validate-username', requirement: 'REQUIRED', priority: 10 },
      { authenticator: 'direct-grant-validate-password', requirement: 'REQUIRED', priority: 20 },
      {
        authenticatorFlow: true,
        flowAlias: 'Direct Grant - Conditional OTP',
        requirement: 'CONDITIONAL',
        priority: 30,
      },
    ],
  },
  {
    alias: 'Direct Grant - Conditional OTP',
    description: 'Flow to determine if the OTP is required for the authentication',
    authenticationExecutions: [
      { authenticator: 'conditional-user-configured', requirement: 'REQUIRED', priority: 10 },
      { authenticator: 'direct-grant-validate-otp', requirement: 'REQUIRED', priority: 20 },
    ],
  },
];

/** A copy with a sub-flow that asks holders of `role` for OTP. */
function withRoleOtp(
  role: string,
  over: { sub?: string; otp?: string; negate?: string; priority?: number } = {},
): { flows: FlowRep[]; configs: AuthenticatorConfig[] } {
  return {
    flows: [
      {
        alias: 'strict grant',
        authenticationExecutions: [
          ...BUILT_IN[0]!.authenticationExecutions!,
          {
            authenticatorFlow: true,
            flowAlias: 'strict role otp',
            requirement: over.sub ?? 'CONDITIONAL',
            priority: over.priority ?? 40,
          },
        ],
      },
      BUILT_IN[1]!,
      {
        alias: 'strict role otp',
        authenticationExecutions: [
          {
            authenticator: 'conditional-user-role',
            authenticatorConfig: 'strict-role',
            requirement: 'REQUIRED',
            priority: 10,
          },
          {
            authenticator: 'direct-grant-validate-otp',
            requirement: over.otp ?? 'REQUIRED',
            priority: 20,
          },
        ],
      },
    ],
    configs: [
      { alias: 'strict-role', config: { condUserRole: role, negate: over.negate ?? 'false' } },
    ],
  };
}

function forced(flows: FlowRep[], alias: string, configs: AuthenticatorConfig[] = []): boolean {
  const rows = rowsFromExport(flows, alias);
  if (!rows) throw new Error(`no flow ${alias}`);
  return assessRole(buildModel(alias, rows, configs, names), BG, DIRECT_GRANT_STEPS).forced;
}

describe('direct grant flow', () => {
  it('flattens the export depth-first, by priority, with levels', () => {
    expect(
      rowsFromExport(BUILT_IN, 'direct grant')?.map((r) => [
        r.level,
        r.providerId ?? r.displayName,
        r.requirement,
      ]),
    ).toEqual([
      [0, 'direct-grant-validate-username', 'REQUIRED'],
      [0, 'direct-grant-validate-password', 'REQUIRED'],
      [0, 'Direct Grant - Conditional OTP', 'CONDITIONAL'],
      [1, 'conditional-user-configured', 'REQUIRED'],
      [1, 'direct-grant-validate-otp', 'REQUIRED'],
    ]);
    expect(rowsFromExport(BUILT_IN, 'missing')).toBeUndefined();
  });

  it.each<{
    flows: FlowRep[];
    configs?: AuthenticatorConfig[];
    alias: string;
    want: boolean;
    reason: string;
  }>([
    {
      flows: BUILT_IN,
      alias: 'direct grant',
      want: false,
      reason:
        'the built-in OTP step runs only for users who configured OTP: a holder without it skips it',
    },
    {
      ...withRoleOtp('breakglass'),
      alias: 'strict grant',
      want: true,
      reason: 'a REQUIRED OTP validation under the role condition forces it on holders',
    },
    {
      ...withRoleOtp('other'),
      alias: 'strict grant',
      want: false,
      reason: 'the condition names another role',
    },
    {
      ...withRoleOtp('breakglass', { negate: 'true' }),
      alias: 'strict grant',
      want: false,
      reason: 'a negated condition asks everyone but the holders',
    },
    {
      ...withRoleOtp('breakglass', { sub: 'DISABLED' }),
      alias: 'strict grant',
      want: false,
      reason: 'a disabled sub-flow never runs',
    },
    {
      ...withRoleOtp('breakglass', { otp: 'DISABLED' }),
      alias: 'strict grant',
      want: false,
      reason: 'a disabled OTP step asks nothing',
    },
    {
      ...withRoleOtp('breakglass', { priority: 5 }),
      alias: 'strict grant',
      want: false,
      reason: 'before the username step the user is unknown and the condition cannot hold',
    },
  ])('$reason', ({ flows, configs, alias, want }) => {
    expect(forced(flows, alias, configs)).toBe(want);
  });
});
