// Pure. Reads a Keycloak browser flow (the flat execution list of GET .../flows/{alias}/executions plus the
// realm's authenticator configs) and decides, per role, whether a holder of the role is forced through a
// second factor at browser login, and by which steps. The judgement is semantic: an admin's own sub-flow that
// forces OTP counts as much as rolegate's; steps the model does not understand are opaque and never count.
import { resolveRoleName, roleString, type RoleDirectory } from './role-names.js';

/** One row of GET /admin/realms/{realm}/authentication/flows/{alias}/executions. */
export interface ExecutionRow {
  id: string;
  requirement: string;
  displayName?: string;
  description?: string;
  /** True on sub-flow rows. */
  authenticationFlow?: boolean;
  /** The sub-flow's id (sub-flow rows). */
  flowId?: string;
  /** The authenticator (step rows). */
  providerId?: string;
  /** The attached config's alias (step rows). */
  alias?: string;
  /** The attached config's id (step rows). */
  authenticationConfig?: string;
  level: number;
  index: number;
  priority?: number;
  requirementChoices?: string[];
  configurable?: boolean;
}

/** An authenticator config (from partial-export or GET /authentication/config/{id}). */
export interface AuthenticatorConfig {
  id?: string;
  alias: string;
  config?: Record<string, string>;
}

/** A row with its place in the tree. */
export interface FlowNode {
  row: ExecutionRow;
  parent: FlowNode | undefined;
  children: FlowNode[];
  /** Position in the flat list: depth-first order, which is execution order. */
  order: number;
}

/** A role as a condition sees it. */
export interface RoleKey {
  id: string;
  name: string;
  /** The owning client's clientId, for a client role. */
  clientId?: string | undefined;
}

/** The parsed browser flow. */
export interface FlowModel {
  flowAlias: string;
  roots: FlowNode[];
  nodes: FlowNode[];
  configsById: ReadonlyMap<string, AuthenticatorConfig>;
  configsByAlias: ReadonlyMap<string, AuthenticatorConfig>;
  /**
   * The realm's roles and clients, against which role conditions are resolved as Keycloak resolves them. Without
   * it a condition counts only when it spells the role exactly as rolegate writes it.
   */
  names?: RoleDirectory;
}

/** One chain of steps that makes a role holder pass a second factor. */
export interface ForcingPath {
  /** The REQUIRED second-factor step. */
  stepId: string;
  stepProvider: string;
  /** The innermost CONDITIONAL sub-flow on the way, if any. */
  subflowAlias?: string;
  subflowExecutionId?: string;
  /** Whether the path is specific to the role (a matching role condition) or applies to every user. */
  appliesTo: 'role' | 'everyone';
  /** Whether rolegate created the sub-flow. */
  owner: 'rolegate' | 'other';
}

/** What rolegate's own sub-flow for a role looks like, and what is wrong with it. */
export interface OwnedStep {
  subflow: ExecutionRow;
  /** The parent sub-flow's alias (where it sits). */
  parentAlias: string | undefined;
  roleCondition?: ExecutionRow;
  /** The "no second factor used yet" condition that stops a second OTP prompt after the realm's own 2FA. */
  unusedCondition?: ExecutionRow;
  secondFactor?: ExecutionRow;
  /** Deterministic descriptions of deviations that weaken enforcement; empty when intact. */
  problems: string[];
  /** Deviations that do not weaken enforcement (a holder may be asked twice); apply() still repairs them. */
  notes: string[];
}

/** The config of rolegate's "no second factor used yet in this login" condition. */
export const UNUSED_2FA_CONFIG: Readonly<Record<string, string>> = {
  credentials: 'otp##webauthn',
  included: 'false',
};

/** The verdict for one role. */
export interface RoleEnforcement {
  /** A holder is forced through a second factor by some path. */
  forced: boolean;
  paths: ForcingPath[];
  /** rolegate's sub-flows for this role (normally zero or one). */
  owned: OwnedStep[];
  /** Whether at least one owned sub-flow is intact. */
  ownedIntact: boolean;
}

/** The second-factor authenticators a forcing path may end in. */
export const SECOND_FACTORS: ReadonlySet<string> = new Set([
  'auth-otp-form',
  'webauthn-authenticator',
]);
/** Steps that identify the user, which conditions need before them. */
export const USER_IDENTIFYING: ReadonlySet<string> = new Set([
  'auth-username-password-form',
  'auth-username-form',
]);
/** Which steps of a flow ask for a second factor, and which identify the user before it. */
export interface FlowSteps {
  secondFactors: ReadonlySet<string>;
  identifying: ReadonlySet<string>;
}

/** The browser flow's steps. */
export const BROWSER_STEPS: FlowSteps = {
  secondFactors: SECOND_FACTORS,
  identifying: USER_IDENTIFYING,
};

/**
 * The direct grant (password grant) flow's steps. Keycloak's built-in direct grant flow asks for OTP only in a
 * sub-flow conditional on the user having OTP configured, which a holder without OTP skips; a REQUIRED OTP
 * validation under a role condition forces it on the role's holders (a holder without OTP then gets no token).
 */
export const DIRECT_GRANT_STEPS: FlowSteps = {
  secondFactors: new Set(['direct-grant-validate-otp']),
  identifying: new Set(['direct-grant-validate-username']),
};

/** Second-factor credential types a `conditional-credential` "not yet used" condition may list. */
const TWO_FA_CREDENTIALS = new Set([
  'otp',
  'webauthn',
  'webauthn-passwordless',
  'recovery-authn-codes',
]);

/** The description marker of sub-flows rolegate created; everything without it is never edited. */
export const OWNED_MARKER = 'managed-by=rolegate';

/** Builds the tree from the flat, depth-first execution list (children follow their parent one level deeper). */
export function buildModel(
  flowAlias: string,
  rows: readonly ExecutionRow[],
  configs: readonly AuthenticatorConfig[],
  names?: RoleDirectory,
): FlowModel {
  const nodes: FlowNode[] = [];
  const roots: FlowNode[] = [];
  const stack: FlowNode[] = [];
  rows.forEach((row, order) => {
    while (stack.length > 0 && stack[stack.length - 1]!.row.level >= row.level) stack.pop();
    const parent = stack[stack.length - 1];
    const node: FlowNode = { row, parent, children: [], order };
    (parent ? parent.children : roots).push(node);
    nodes.push(node);
    if (row.authenticationFlow) stack.push(node);
  });
  const configsById = new Map<string, AuthenticatorConfig>();
  const configsByAlias = new Map<string, AuthenticatorConfig>();
  for (const c of configs) {
    if (c.id) configsById.set(c.id, c);
    configsByAlias.set(c.alias, c);
  }
  return { flowAlias, roots, nodes, configsById, configsByAlias, ...(names ? { names } : {}) };
}

/** The value a `conditional-user-role` config names a role by: `name`, or `clientId.name` for a client role. */
export function conditionRoleValue(role: RoleKey): string {
  return roleString(role);
}

/** Whether a `condUserRole` value names `role` when Keycloak resolves it against the realm. */
export function namesRole(model: FlowModel, value: string | undefined, role: RoleKey): boolean {
  if (value === undefined) return false;
  if (!model.names) return value === conditionRoleValue(role);
  const r = resolveRoleName(model.names, value);
  return r.kind === 'Role' && r.role.id.toLowerCase() === role.id.toLowerCase();
}

/** The config of a step row, by id, else by alias. */
export function configOf(model: FlowModel, row: ExecutionRow): Record<string, string> | undefined {
  const c =
    (row.authenticationConfig ? model.configsById.get(row.authenticationConfig) : undefined) ??
    (row.alias ? model.configsByAlias.get(row.alias) : undefined);
  return c?.config;
}

/** Parses the marker in a sub-flow description: `managed-by=rolegate; roleId=…; role=…[; client=…]`. */
export function parseOwnedDescription(
  description: string | undefined,
): Record<string, string> | undefined {
  if (!description?.startsWith(OWNED_MARKER)) return undefined;
  const out: Record<string, string> = {};
  for (const part of description.split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

/** The description rolegate writes on the sub-flow it owns for a role. */
export function ownedDescription(role: RoleKey): string {
  return [
    OWNED_MARKER,
    `roleId=${role.id.toLowerCase()}`,
    `role=${role.name}`,
    ...(role.clientId ? [`client=${role.clientId}`] : []),
  ].join('; ');
}

const isEnabled = (r: ExecutionRow): boolean => r.requirement !== 'DISABLED';
const isCondition = (r: ExecutionRow): boolean =>
  !r.authenticationFlow && (r.providerId ?? '').startsWith('conditional-');

/** How an enabled condition evaluates for a holder of the role: true, or false/unknown (never counted). */
function conditionHolds(
  model: FlowModel,
  cond: ExecutionRow,
  role: RoleKey,
): 'role' | 'neutral' | false {
  const cfg = configOf(model, cond) ?? {};
  switch (cond.providerId) {
    case 'conditional-user-role':
      // Keycloak resolves condUserRole by name; a renamed role makes the condition silently false, and a dotted
      // realm role name whose prefix is a clientId means that client's role (role-names.ts).
      return namesRole(model, cfg.condUserRole, role) && cfg.negate !== 'true' ? 'role' : false;
    case 'conditional-credential': {
      // "No second factor used yet in this login": either it is true and the sub-flow runs, or a second
      // factor already ran. Both force a second factor.
      if (cfg.included !== 'false') return false;
      const types = (cfg.credentials ?? '').split('##').filter(Boolean);
      return types.length > 0 && types.every((t) => TWO_FA_CREDENTIALS.has(t)) ? 'neutral' : false;
    }
    default:
      // conditional-user-configured lets holders without OTP skip; anything else is opaque.
      return false;
  }
}

/** Whether a sibling at this level makes an ALTERNATIVE node be ignored (Keycloak skips ALTERNATIVE next to REQUIRED). */
function alternativeIgnored(model: FlowModel, node: FlowNode): boolean {
  const siblings = node.parent ? node.parent.children : model.roots;
  return siblings.some(
    (s) => s !== node && (s.row.requirement === 'REQUIRED' || s.row.requirement === 'CONDITIONAL'),
  );
}

/** Decides whether holders of `role` pass a second factor, and through which paths. */
export function assessRole(
  model: FlowModel,
  role: RoleKey,
  steps: FlowSteps = BROWSER_STEPS,
): RoleEnforcement {
  const paths: ForcingPath[] = [];
  for (const node of model.nodes) {
    const r = node.row;
    if (
      r.authenticationFlow ||
      !steps.secondFactors.has(r.providerId ?? '') ||
      r.requirement !== 'REQUIRED'
    )
      continue;
    const p = forcingPath(model, node, role, steps);
    if (p) paths.push(p);
  }
  const owned = ownedSteps(model, role);
  return {
    forced: paths.length > 0,
    paths,
    owned,
    ownedIntact: owned.some((o) => o.problems.length === 0),
  };
}

function forcingPath(
  model: FlowModel,
  step: FlowNode,
  role: RoleKey,
  steps: FlowSteps = BROWSER_STEPS,
): ForcingPath | undefined {
  let appliesTo: ForcingPath['appliesTo'] = 'everyone';
  let innermost: FlowNode | undefined;
  const chain: FlowNode[] = [];
  for (let a = step.parent; a; a = a.parent) chain.push(a);
  for (const a of chain) {
    const req = a.row.requirement;
    if (req === 'DISABLED') return undefined;
    if (req === 'ALTERNATIVE' && alternativeIgnored(model, a)) return undefined;
    if (req === 'CONDITIONAL') {
      const conds = a.children.filter((c) => isCondition(c.row) && isEnabled(c.row));
      // A CONDITIONAL sub-flow without an enabled condition acts as DISABLED.
      if (conds.length === 0) return undefined;
      for (const c of conds) {
        const v = conditionHolds(model, c.row, role);
        if (v === false) return undefined;
        if (v === 'role') appliesTo = 'role';
      }
      innermost ??= a;
    }
  }
  // Conditions need a known user, and a second factor means nothing before the first: some identifying step
  // must run earlier under one of the step's ancestors.
  const ancestors = new Set<FlowNode | undefined>([undefined, ...chain]);
  const identified = model.nodes.some(
    (n) =>
      n.order < step.order &&
      steps.identifying.has(n.row.providerId ?? '') &&
      n.row.requirement === 'REQUIRED' &&
      ancestors.has(n.parent),
  );
  if (!identified) return undefined;
  const owner = chain.some((a) => parseOwnedDescription(a.row.description)) ? 'rolegate' : 'other';
  return {
    stepId: step.row.id,
    stepProvider: step.row.providerId ?? '',
    ...(innermost
      ? { subflowAlias: innermost.row.displayName ?? '', subflowExecutionId: innermost.row.id }
      : {}),
    appliesTo,
    owner,
  };
}

/** rolegate's sub-flows for a role (matched by role id in the marker) and their deviations from the desired shape. */
export function ownedSteps(model: FlowModel, role: RoleKey): OwnedStep[] {
  const out: OwnedStep[] = [];
  for (const node of model.nodes) {
    const marker = parseOwnedDescription(node.row.description);
    if (!node.row.authenticationFlow || !marker || marker.roleId !== role.id.toLowerCase())
      continue;
    const problems: string[] = [];
    const name = node.row.displayName ?? node.row.id;
    if (node.row.requirement !== 'CONDITIONAL')
      problems.push(`sub-flow ${name} is ${node.row.requirement}, not CONDITIONAL`);
    const roleCond = node.children.find((c) => c.row.providerId === 'conditional-user-role');
    if (!roleCond) problems.push(`sub-flow ${name} has no role condition`);
    else {
      if (roleCond.row.requirement !== 'REQUIRED')
        problems.push(`role condition in ${name} is ${roleCond.row.requirement}`);
      const cfg = configOf(model, roleCond.row);
      if (!cfg) problems.push(`role condition in ${name} has no config`);
      else if (!namesRole(model, cfg.condUserRole, role) || cfg.negate === 'true') {
        const spelled = cfg.condUserRole === conditionRoleValue(role);
        problems.push(
          spelled && cfg.negate !== 'true'
            ? `role condition in ${name} names ${cfg.condUserRole}, which Keycloak resolves to another role`
            : `role condition in ${name} names ${cfg.negate === 'true' ? 'not ' : ''}${cfg.condUserRole ?? '(none)'}, not ${conditionRoleValue(role)}`,
        );
      }
    }
    const notes: string[] = [];
    const unused = node.children.find((c) => c.row.providerId === 'conditional-credential');
    if (!unused)
      notes.push(
        `sub-flow ${name} has no second-factor-unused condition (holders with OTP are asked twice)`,
      );
    else {
      const cfg = configOf(model, unused.row);
      if (unused.row.requirement !== 'REQUIRED')
        notes.push(`second-factor-unused condition in ${name} is ${unused.row.requirement}`);
      else if (
        cfg?.credentials !== UNUSED_2FA_CONFIG.credentials ||
        cfg?.included !== UNUSED_2FA_CONFIG.included
      ) {
        // Another config can make the condition false for holders; that weakens, so it is a problem.
        problems.push(
          `second-factor-unused condition in ${name} has config ${JSON.stringify(cfg ?? {})}`,
        );
      }
    }
    const second = node.children.find((c) => SECOND_FACTORS.has(c.row.providerId ?? ''));
    if (!second) problems.push(`sub-flow ${name} has no second-factor step`);
    else if (second.row.requirement !== 'REQUIRED')
      problems.push(`second-factor step in ${name} is ${second.row.requirement}`);
    // Shape alone is not enough: a sub-flow moved under a DISABLED parent or before the username form is inert.
    if (problems.length === 0 && second && !forcingPath(model, second, role)) {
      problems.push(`sub-flow ${name} does not force a second factor where it sits`);
    }
    out.push({
      subflow: node.row,
      parentAlias: node.parent?.row.displayName,
      ...(roleCond ? { roleCondition: roleCond.row } : {}),
      ...(unused ? { unusedCondition: unused.row } : {}),
      ...(second ? { secondFactor: second.row } : {}),
      problems,
      notes,
    });
  }
  return out;
}

/**
 * Where a new sub-flow goes: the sub-flow that directly holds an enabled user-identifying step (the built-in
 * flow's `forms`). Returns its alias, or undefined at top level (which then has the step directly) or when
 * the flow has no such step.
 */
export function findFormsParent(model: FlowModel): { parent: FlowNode | undefined } | undefined {
  const ident = model.nodes.find(
    (n) => USER_IDENTIFYING.has(n.row.providerId ?? '') && n.row.requirement === 'REQUIRED',
  );
  if (!ident) return undefined;
  return { parent: ident.parent };
}

/** The next free priority under a parent: after every existing child, so that the sub-flow runs last. */
export function nextPriority(model: FlowModel, parent: FlowNode | undefined): number {
  const children = parent ? parent.children : model.roots;
  const max = children.reduce((m, c) => Math.max(m, c.row.priority ?? 0), 0);
  return max + 10;
}

/** One deterministic line describing a role's enforcement, for LiveRole.detail. */
export function describeEnforcement(flowAlias: string, e: RoleEnforcement): string {
  const parts: string[] = [`browser flow ${flowAlias}`];
  if (e.paths.length === 0) parts.push('no step forces a second factor on holders');
  for (const p of e.paths) {
    const where = p.subflowAlias
      ? `sub-flow ${p.subflowAlias} (execution ${p.subflowExecutionId ?? ''})`
      : 'the flow itself';
    parts.push(
      `${p.stepProvider} ${p.stepId} in ${where}, ${p.appliesTo === 'role' ? 'for holders' : 'for every user'}, owner ${p.owner}`,
    );
  }
  for (const o of e.owned)
    for (const pr of [...o.problems, ...o.notes]) parts.push(`rolegate: ${pr}`);
  return parts.join('; ');
}
