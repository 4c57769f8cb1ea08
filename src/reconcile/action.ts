// Pure. The changes plan() can ask a provider to make. Every action names its before and after so that the
// write can be logged and reported.

/** Turns the MFA rule on activation on or off for one role. */
export interface SetMfaAction {
  kind: 'SetMfa';
  roleId: string;
  roleDisplayName: string;
  policyId: string;
  scope: string;
  clientId?: string;
  /** The desired value of the MFA rule. */
  enabled: boolean;
  before: string[];
  after: string[];
}

/** Enables an authentication context on activation for one role (never removes one). */
export interface SetAuthenticationContextAction {
  kind: 'SetAuthenticationContext';
  roleId: string;
  roleDisplayName: string;
  policyId: string;
  scope: string;
  claimValue: string;
  before: string;
  after: string;
}

/** A change to one role's activation policy. */
export type Action = SetMfaAction | SetAuthenticationContextAction;

/** Describes an action in one deterministic line, for logs, Events and plan output. */
export function describeAction(a: Action): string {
  if (a.kind === 'SetMfa') {
    return `${a.enabled ? 'require' : 'stop requiring'} MFA on activation of ${a.roleDisplayName} (enabled rules [${a.before.join(', ')}] -> [${a.after.join(', ')}])`;
  }
  return `require authentication context ${a.claimValue} on activation of ${a.roleDisplayName} (${a.before} -> ${a.after})`;
}
