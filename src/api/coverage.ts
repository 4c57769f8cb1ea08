// Pure. Who holds a role and how, as a provider observed it (the facts), and whether each holder's use of the role
// is behind a second factor (the verdicts, decided in src/reconcile/coverage). Provider-neutral: Entra's schedule
// instances, role-assignable groups and Conditional Access policies, and Keycloak's users, groups, composite roles
// and direct-grant clients all map onto these shapes; the rules that judge them live in one place.

/** A principal: a user, a group or a service principal (an application). */
export interface Principal {
  /** The object id at the provider (Entra object id, Keycloak user or group id), lower case where ids are GUIDs. */
  id: string;
  type: 'User' | 'Group' | 'ServicePrincipal';
  displayName: string;
  /** Users only, where the provider has one (Entra UPN, Keycloak username). */
  userPrincipalName?: string;
}

/**
 * How a principal holds (or can use) a role:
 * - `Eligible`: an eligible assignment; the holder activates the role before using it (PIM).
 * - `Active`: a standing assignment, permanent or time-bound, that never activates (PIM's assignmentType
 *   `Assigned`). Instances of type `Activated` are the result of an activation and belong to `Eligible`.
 * - `GroupEligible` / `GroupActive`: the role is assigned to a role-assignable group, and the principal is an
 *   eligible (PIM for Groups) or active member of that group.
 * - `GroupOwner`: the principal owns (or is eligible, through PIM for Groups, to own) a role-assignable group that
 *   holds the role. Owners manage the group's membership, so an owner can make themselves a member and use the role.
 * - `SignIn`: the holder uses the role by signing in through the provider's browser flow (Keycloak), directly,
 *   through a group or through a composite role.
 * - `DirectGrant`: the holder can obtain tokens carrying the role without the browser flow (a Keycloak client with
 *   direct access grants enabled).
 */
export type CoveragePath =
  'Eligible' | 'Active' | 'GroupEligible' | 'GroupActive' | 'GroupOwner' | 'SignIn' | 'DirectGrant';

/** One way one principal holds a role. */
export interface Holding {
  principal: Principal;
  path: CoveragePath;
  /**
   * What the role is held or used through: the group (GroupEligible, GroupActive, SignIn through a group), the
   * composite role (SignIn through a composite), or the client (DirectGrant).
   */
  via?: { kind: 'Group' | 'CompositeRole' | 'Client'; id: string; displayName: string };
  /** When the assignment (or group membership) ends; absent means permanent. ISO 8601. */
  endDateTime?: string;
  /**
   * GroupOwner only: the group is eligible for the role (not assigned it actively), so a member the owner makes
   * still activates the role before using it.
   */
  groupEligibleForRole?: boolean;
}

/** Who a Conditional Access policy's users condition names; ids lower case. */
export interface PrincipalSet {
  /** `All` users (Graph's includeUsers: ["All"]). */
  all: boolean;
  users: string[];
  groups: string[];
  /** Directory role template ids (includeRoles / excludeRoles). */
  roles: string[];
}

/**
 * A Conditional Access policy reduced to what coverage needs. Graph: conditionalAccessPolicy
 * (https://learn.microsoft.com/graph/api/resources/conditionalaccesspolicy).
 */
export interface AccessPolicy {
  id: string;
  displayName: string;
  state: 'enabled' | 'disabled' | 'enabledForReportingButNotEnforced';
  /** Grant controls require `mfa`, or an authentication strength (every built-in strength requires MFA or more). */
  requiresMfa: boolean;
  include: PrincipalSet;
  exclude: PrincipalSet;
  /**
   * Which use of the role the policy sees: `All` cloud apps, or the authentication contexts it targets (claim
   * values such as c1). A policy for some apps only is `Some` and covers no holder on its own.
   */
  applications: { scope: 'All' | 'Some' | 'None'; authenticationContexts: string[] };
  /**
   * Conditions rolegate cannot judge (locations, platforms, clientAppTypes, signInRiskLevels, userRiskLevels,
   * devices, insiderRiskLevels...), by name, sorted. A policy with any of these gives `Conditional` coverage.
   */
  unjudged: string[];
}

/** The activation rule of a PIM-for-Groups group's access. */
export interface GroupActivation {
  /** Whether activating the member access of the group requires MFA. */
  member: boolean;
  /** Whether activating the owner access of the group requires MFA. */
  owner: boolean;
}

/**
 * Everything a provider observed about who holds one role and what may ask them for a second factor. Absent on a
 * LiveRole when the provider did not read holders (then coverage is not judged at all, never assumed).
 */
export interface CoverageFacts {
  holdings: Holding[];
  /** The tenant's Conditional Access policies that could apply (Entra); empty elsewhere. */
  policies: AccessPolicy[];
  /**
   * Principal id -> the ids of the groups it is a member of, transitively (for include/exclude by group). Read by
   * holder id only: a provider may share one record between the roles of a snapshot, so it can name principals
   * that do not hold this role.
   */
  memberOf: Record<string, string[]>;
  /**
   * Role-assignable group id -> its PIM-for-Groups activation rule, for GroupEligible holders. Read by group id
   * only; like `memberOf`, it may be shared between roles and name groups this role is not held through.
   */
  groupActivation: Record<string, GroupActivation>;
  /** The role's directory role template id, matched against includeRoles / excludeRoles. */
  directoryRoleId?: string;
  /**
   * Names the provider could not resolve unambiguously (Keycloak: a realm role `payroll.approver` beside a client
   * `payroll`): coverage cannot be proven and the role is Stalled with reason AmbiguousRoleName.
   */
  ambiguity?: string;
  /**
   * Keycloak: principal id -> the other roles (names for people) whose sign-in step asks that SignIn holder,
   * because the grant that makes them a holder also gives them those roles (a role the composite contains).
   */
  askedThrough?: Record<string, string[]>;
}

/** Whether one holding's use of the role is behind a second factor. */
export type CoverageVerdict = 'Covered' | 'Conditional' | 'Uncovered';

/** Why a holding is not (or only conditionally) covered; one reason per kind of gap. */
export type CoverageGap =
  /** Eligible: the activation rule is off and no authentication context with an MFA policy applies. */
  | 'ActivationWithoutMfa'
  /** Active or GroupActive: no enabled Conditional Access policy requiring MFA includes the holder. */
  | 'StandingAccessWithoutMfa'
  /** A policy that would cover the holder excludes them (user, group or role). */
  | 'ExcludedByConditionalAccess'
  /** GroupEligible: the group's PIM activation does not require MFA and no policy covers the holder. */
  | 'GroupActivationWithoutMfa'
  /**
   * GroupOwner: an owner of a group holding the role can make themselves a member, and no enabled Conditional
   * Access policy requires MFA of them (nor, for a group eligible for the role, the role's activation).
   */
  | 'GroupOwnerWithoutMfa'
  /** SignIn: the provider's sign-in step for the role is off. */
  | 'SignInWithoutMfa'
  /** DirectGrant: tokens can be had without the browser flow. */
  | 'DirectGrant'
  /** Only policies with conditions rolegate cannot judge cover the holder. */
  | 'ConditionalCoverage';

/** The verdict on one holding. */
export interface HoldingCoverage {
  holding: Holding;
  verdict: CoverageVerdict;
  /** Set unless Covered. */
  gap?: CoverageGap;
  /** What covers (or conditionally covers) the holding, for people: "activation rule", "policy 'Admins MFA'". */
  by?: string;
  /** One sentence for people on why, naming the policy or group. */
  why: string;
}

/** The verdicts on every holding of one role. */
export interface RoleCoverage {
  holdings: HoldingCoverage[];
  total: number;
  covered: number;
  conditional: number;
  uncovered: number;
}
