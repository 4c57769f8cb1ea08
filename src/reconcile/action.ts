// Pure. The changes plan() can ask a provider to make. Every action names its before and after so that the
// write can be logged and reported.
import type { SwitchName } from '../api/observation.js';

/** The fields every action carries: which role, and the provider's handle on its setting. */
interface ActionTarget {
  roleId: string;
  roleDisplayName: string;
  /** The LiveRole's handle, opaque to the core (Entra: the PIM policy id). */
  handle: string;
  scope: string;
  clientId?: string;
}

/** Turns the provider's MFA switch for one role on or off (PIM's activation rule, Keycloak's OTP step). */
export interface SetMfaAction extends ActionTarget {
  kind: 'SetMfa';
  /** The switch to turn. */
  switchName: SwitchName;
  /** The desired state of the switch. */
  enabled: boolean;
  before: 'on' | 'off';
  after: 'on' | 'off';
}

/** Enables an authentication context on activation for one role (never removes one). */
export interface SetAuthenticationContextAction extends ActionTarget {
  kind: 'SetAuthenticationContext';
  claimValue: string;
  before: string;
  after: string;
}

/** A change to one role's MFA setting. */
export type Action = SetMfaAction | SetAuthenticationContextAction;

/** How users know the switches rolegate's providers name; another provider's switch is shown by its name. */
const SWITCH_WORDS: Readonly<Record<string, string>> = {
  ActivationRule: 'activation rule',
  OtpStep: 'OTP step',
  AssignmentRule: 'assignment rule',
};

/** Describes an action in one deterministic line, for logs, Events and plan output. */
export function describeAction(a: Action): string {
  if (a.kind === 'SetMfa') {
    // The assignment rule asks the administrator who makes an active assignment, not the holder who activates.
    const when = a.switchName === 'AssignmentRule' ? 'active assignment' : 'activation';
    return `${a.enabled ? 'require' : 'stop requiring'} MFA on ${when} of ${a.roleDisplayName} (MFA ${SWITCH_WORDS[a.switchName] ?? a.switchName} ${a.before} -> ${a.after})`;
  }
  return `require authentication context ${a.claimValue} on activation of ${a.roleDisplayName} (${a.before} -> ${a.after})`;
}
