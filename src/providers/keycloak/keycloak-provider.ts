// The Keycloak ProviderClient. "MFA for role X" is a CONDITIONAL sub-flow owned by rolegate inside the bound
// browser flow: a "Condition - user role" on X and the OTP form, both REQUIRED. Every write is read → diff →
// write only what differs, so a converged realm costs reads only; executions rolegate did not create are
// never edited, and built-in flows are copied, never changed.
import type { IdentityProviderSpec } from '../../api/v1alpha1/generated.js';
import { switchEnabled } from '../../api/observation.js';
import type { Action, SetMfaAction } from '../../reconcile/action.js';
import { ProviderError, type ActionResult, type ProviderClient } from '../types.js';
import { KeycloakAdminClient, type RequestStats } from './admin-client.js';
import {
  buildModel,
  configOf,
  conditionRoleValue,
  findFormsParent,
  nextPriority,
  ownedDescription,
  ownedSteps,
  type ExecutionRow,
  type FlowModel,
  type RoleKey,
  UNUSED_2FA_CONFIG,
} from './flow-model.js';
import {
  readExecutions,
  readRealmExport,
  readRealmState,
  seg,
  type RealmExport,
  type RealmState,
} from './realm-state.js';
import { directoryOf, KeycloakSnapshot, type KeycloakRole } from './snapshot.js';
import { roleReference } from './role-names.js';
import type { RequestObserver } from '../request-observer.js';
import type { HttpFetch } from '../http-fetch.js';

/** The Keycloak part of an IdentityProvider spec. */
export type KeycloakSpec = NonNullable<IdentityProviderSpec['keycloak']>;

/** What the caller resolves for the provider (the Secret behind clientSecretRef) or injects (tests). */
export interface KeycloakProviderOptions {
  clientSecret?: string | undefined;
  /** PEM certificates to trust (the Secret or ConfigMap behind tls.caSecretRef / tls.caConfigMapRef). */
  caCertificates?: string | undefined;
  fetch?: HttpFetch | undefined;
  /** Times every admin and token request sent (metrics). */
  onRequest?: RequestObserver | undefined;
}

/** The default alias of the flow rolegate makes when the bound browser flow is a built-in. */
export const DEFAULT_BROWSER_FLOW_ALIAS = 'rolegate-browser';

/** Priorities inside rolegate's sub-flow: the conditions first, the second factor after them. */
const ROLE_CONDITION_PRIORITY = 10;
const UNUSED_CONDITION_PRIORITY = 20;
const STEP_PRIORITY = 30;

/** Builds the Keycloak provider for one IdentityProvider. */
export function createKeycloakProvider(
  spec: KeycloakSpec,
  opts: KeycloakProviderOptions = {},
): KeycloakProvider {
  return new KeycloakProvider(spec, opts);
}

/** A ProviderClient for one Keycloak realm. */
export class KeycloakProvider implements ProviderClient {
  readonly kind = 'keycloak';
  readonly admin: KeycloakAdminClient;
  readonly realm: string;
  readonly flowAlias: string;
  /** The holder lists of the last snapshot, reused by apply's read-back. */
  private lastHolders: Pick<RealmState, 'holders' | 'holdersError'> = {};

  constructor(spec: KeycloakSpec, opts: KeycloakProviderOptions = {}) {
    this.realm = spec.realm;
    this.flowAlias = spec.browserFlowAlias ?? DEFAULT_BROWSER_FLOW_ALIAS;
    this.admin = new KeycloakAdminClient({
      url: spec.url,
      tokenRealm: spec.adminRealm ?? 'master',
      clientId: spec.credentials.clientId,
      clientSecret: opts.clientSecret,
      tls: {
        caFile: spec.tls?.caFile,
        insecureSkipVerify: spec.tls?.insecureSkipVerify,
        ca: opts.caCertificates,
      },
      fetch: opts.fetch,
      onRequest: opts.onRequest,
    });
  }

  /** Admin API call counts since the provider was built (a copy). */
  stats(): RequestStats {
    return { ...this.admin.stats };
  }

  throttledForMs(): number {
    return this.admin.throttledForMs();
  }

  async checkAccess(signal?: AbortSignal): Promise<void> {
    await this.admin.getToken(signal);
    await readRealmExport(this.admin, this.realm, signal);
  }

  async snapshot(signal?: AbortSignal): Promise<KeycloakSnapshot> {
    const state = await readRealmState(this.admin, this.realm, signal, { holders: true });
    this.lastHolders = {
      ...(state.holders ? { holders: state.holders } : {}),
      ...(state.holdersError ? { holdersError: state.holdersError } : {}),
    };
    return new KeycloakSnapshot(state, new Date().toISOString());
  }

  /**
   * The read-back after writes: the export and the flow, with the holders of the last snapshot. apply() writes
   * flows and configs only, never role mappings or group memberships, so those lists still hold; roles or groups
   * they do not cover are left unjudged (role-holders.ts).
   */
  private async readBack(signal?: AbortSignal): Promise<KeycloakSnapshot> {
    const state = await readRealmState(this.admin, this.realm, signal);
    return new KeycloakSnapshot({ ...state, ...this.lastHolders }, new Date().toISOString());
  }

  async apply(actions: readonly Action[], signal?: AbortSignal): Promise<ActionResult[]> {
    const pending: { action: SetMfaAction; role?: KeycloakRole; error?: ProviderError }[] = [];
    const results: (ActionResult | undefined)[] = [];
    let exp: RealmExport | undefined;
    // Executions read for one action serve the next ones until something is written: a converged batch of
    // N actions then costs the same few reads as one.
    const rowsCache = new Map<string, ExecutionRow[]>();
    for (const action of actions) {
      if (action.kind !== 'SetMfa') {
        results.push({
          action,
          ok: false,
          error: new ProviderError(
            'Invalid',
            'Keycloak has no authentication contexts; use mfa.mechanism MultiFactorAuthentication or Any',
          ),
        });
        continue;
      }
      results.push(undefined);
      try {
        // One export serves consecutive actions until a write changes flows or configs.
        exp ??= await readRealmExport(this.admin, this.realm, signal);
        const role = findRole(exp, action);
        if (!role)
          throw new ProviderError(
            'NotFound',
            `No role with id ${action.roleId} in realm ${this.realm}`,
          );
        const wrote = action.enabled
          ? await this.enable(exp, role, rowsCache, signal)
          : await this.disable(exp, role, rowsCache, signal);
        if (wrote) {
          exp = undefined;
          rowsCache.clear();
        }
        pending.push({ action, role });
      } catch (err) {
        pending.push({ action, error: asProviderError(err) });
      }
    }
    // Verify by reading back, as a resync would: the result is what the next snapshot will say.
    let snap: KeycloakSnapshot | undefined;
    let readErr: ProviderError | undefined;
    try {
      snap = await this.readBack(signal);
    } catch (err) {
      readErr = asProviderError(err);
    }
    const verified = pending.map((p): ActionResult => {
      if (p.error) return { action: p.action, ok: false, error: p.error };
      if (!snap || !p.role)
        return {
          action: p.action,
          ok: false,
          error: readErr ?? new ProviderError('Unavailable', 'read-back failed'),
        };
      return verify(snap, p.action, p.role);
    });
    let i = 0;
    return results.map((r) => r ?? verified[i++]!);
  }

  /** Adds or repairs rolegate's sub-flow for the role and binds its flow. Returns whether it wrote. */
  private async enable(
    exp: RealmExport,
    role: KeycloakRole,
    rowsCache: Map<string, ExecutionRow[]>,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const r = `/${seg(this.realm)}`;
    const names = directoryOf(exp);
    // A role the condition cannot name would get a step that asks nobody (or asks the holders of another role):
    // refuse before writing anything.
    const ref = roleReference(names, role);
    if (ref.ambiguity) throw new ProviderError('Invalid', ref.ambiguity);
    let wrote = false;
    const flows = exp.authenticationFlows ?? [];
    const bound = flows.find((f) => f.alias === exp.browserFlow);
    // Built-in flows refuse new executions, and editing one would change every realm default; copy instead.
    let target = exp.browserFlow ?? '';
    if (!bound || bound.builtIn) {
      target = this.flowAlias;
      if (!flows.some((f) => f.alias === target)) {
        const source = bound?.alias ?? 'browser';
        await this.admin.call('POST', `${r}/authentication/flows/${seg(source)}/copy`, {
          body: { newName: target },
          signal,
        });
        wrote = true;
      }
    }
    const configs = [...(exp.authenticatorConfig ?? [])];
    const flowAliases = new Set(flows.map((f) => f.alias));
    const load = async (): Promise<FlowModel> => {
      let rows = wrote ? undefined : rowsCache.get(target);
      if (!rows) {
        rows = await readExecutions(this.admin, this.realm, target, signal);
        rowsCache.set(target, rows);
      }
      return buildModel(target, rows, configs, names);
    };
    let model = await load();

    let owned = ownedSteps(model, role)[0];
    if (!owned) {
      const place = findFormsParent(model);
      if (!place) {
        throw new ProviderError(
          'Invalid',
          `Browser flow ${target} has no REQUIRED username form to put the MFA step after`,
        );
      }
      const parentAlias = place.parent?.row.displayName ?? target;
      const alias = unique(`rolegate-mfa-${aliasKey(role)}`, flowAliases);
      await this.admin.call(
        'POST',
        `${r}/authentication/flows/${seg(parentAlias)}/executions/flow`,
        {
          body: {
            alias,
            type: 'basic-flow',
            description: ownedDescription(role),
            priority: nextPriority(model, place.parent),
          },
          signal,
        },
      );
      wrote = true;
      model = await load();
      owned = ownedSteps(model, role)[0];
      if (!owned)
        throw new ProviderError(
          'Unavailable',
          `Sub-flow ${alias} was created but is not in flow ${target}`,
        );
    }
    const subAlias = owned.subflow.displayName ?? '';
    const subPath = `${r}/authentication/flows/${seg(subAlias)}/executions/execution`;
    const missing = [
      ...(owned.roleCondition
        ? []
        : [{ provider: 'conditional-user-role', priority: ROLE_CONDITION_PRIORITY }]),
      ...(owned.unusedCondition
        ? []
        : [{ provider: 'conditional-credential', priority: UNUSED_CONDITION_PRIORITY }]),
      ...(owned.secondFactor ? [] : [{ provider: 'auth-otp-form', priority: STEP_PRIORITY }]),
    ];
    for (const body of missing) await this.admin.call('POST', subPath, { body, signal });
    if (missing.length > 0) {
      wrote = true;
      model = await load();
      owned = ownedSteps(model, role)[0];
      if (!owned?.roleCondition || !owned.unusedCondition || !owned.secondFactor) {
        throw new ProviderError(
          'Unavailable',
          `Steps added to ${subAlias} are not in flow ${target}`,
        );
      }
    }
    // PUT .../executions takes the whole row: a missing priority would move the execution to 0.
    const setRequirement = async (
      row: ExecutionRow | undefined,
      requirement: string,
    ): Promise<void> => {
      if (!row || row.requirement === requirement) return;
      await this.admin.call('PUT', `${r}/authentication/flows/${seg(target)}/executions`, {
        body: { ...row, requirement },
        signal,
      });
      wrote = true;
    };
    await setRequirement(owned.subflow, 'CONDITIONAL');
    await setRequirement(owned.roleCondition, 'REQUIRED');
    await setRequirement(owned.unusedCondition, 'REQUIRED');
    await setRequirement(owned.secondFactor, 'REQUIRED');

    const configAliases = new Set(configs.map((c) => c.alias));
    const ensureConfig = async (
      row: ExecutionRow | undefined,
      suffix: string,
      want: Record<string, string>,
    ): Promise<void> => {
      if (!row) return;
      const have = configOf(model, row);
      if (!have || !row.authenticationConfig) {
        const alias = unique(`rolegate-mfa-${aliasKey(role)}-${suffix}`, configAliases);
        configAliases.add(alias);
        await this.admin.call('POST', `${r}/authentication/executions/${seg(row.id)}/config`, {
          body: { alias, config: want },
          signal,
        });
        wrote = true;
      } else if (Object.entries(want).some(([k, v]) => have[k] !== v)) {
        await this.admin.call(
          'PUT',
          `${r}/authentication/config/${seg(row.authenticationConfig)}`,
          {
            body: {
              id: row.authenticationConfig,
              alias: row.alias ?? `rolegate-mfa-${aliasKey(role)}-${suffix}`,
              config: { ...have, ...want },
            },
            signal,
          },
        );
        wrote = true;
      }
    };
    await ensureConfig(owned.roleCondition, 'role', {
      condUserRole: ref.value,
      negate: 'false',
    });
    await ensureConfig(owned.unusedCondition, '2fa-unused', { ...UNUSED_2FA_CONFIG });
    if (exp.browserFlow !== target) {
      // A partial realm representation updates only the fields it carries.
      await this.admin.call('PUT', r, { body: { browserFlow: target }, signal });
      wrote = true;
    }
    return wrote;
  }

  /** Deletes rolegate's sub-flows for the role (and their configs) from the bound flow and rolegate's flow. */
  private async disable(
    exp: RealmExport,
    role: KeycloakRole,
    rowsCache: Map<string, ExecutionRow[]>,
    signal?: AbortSignal,
  ): Promise<boolean> {
    const r = `/${seg(this.realm)}`;
    const flows = exp.authenticationFlows ?? [];
    const candidates = [...new Set([exp.browserFlow ?? '', this.flowAlias])].filter(
      (a) => a && flows.some((f) => f.alias === a && !f.builtIn),
    );
    let wrote = false;
    for (const alias of candidates) {
      let rows = rowsCache.get(alias);
      if (!rows) {
        rows = await readExecutions(this.admin, this.realm, alias, signal);
        rowsCache.set(alias, rows);
      }
      const model = buildModel(alias, rows, exp.authenticatorConfig ?? [], directoryOf(exp));
      for (const owned of ownedSteps(model, role)) {
        const node = model.nodes.find((n) => n.row.id === owned.subflow.id);
        for (const c of node?.children ?? []) {
          if (!c.row.authenticationConfig) continue;
          await this.admin.call(
            'DELETE',
            `${r}/authentication/config/${seg(c.row.authenticationConfig)}`,
            { signal },
          );
        }
        // Deleting a sub-flow execution deletes the sub-flow and everything in it.
        await this.admin.call('DELETE', `${r}/authentication/executions/${seg(owned.subflow.id)}`, {
          signal,
        });
        wrote = true;
      }
    }
    return wrote;
  }
}

function findRole(exp: RealmExport, action: SetMfaAction): KeycloakRole | undefined {
  const id = action.roleId.toLowerCase();
  for (const x of exp.roles?.realm ?? []) {
    if (x.id.toLowerCase() === id && action.clientId === undefined)
      return { id: x.id, name: x.name };
  }
  for (const [clientId, roles] of Object.entries(exp.roles?.client ?? {})) {
    for (const x of roles) {
      if (
        x.id.toLowerCase() === id &&
        (action.clientId === undefined || action.clientId === clientId)
      ) {
        return { id: x.id, name: x.name, clientId };
      }
    }
  }
  return undefined;
}

function verify(snap: KeycloakSnapshot, action: SetMfaAction, role: KeycloakRole): ActionResult {
  const lookup = snap.resolve(
    { id: role.id, ...(role.clientId ? { clientId: role.clientId } : {}) },
    '/',
  );
  if (lookup.kind !== 'Found') {
    return {
      action,
      ok: false,
      error: new ProviderError(
        'NotFound',
        `Role ${role.name} disappeared while rolegate wrote its flow`,
      ),
    };
  }
  const live = lookup.role;
  if (action.enabled && !switchEnabled(live)) {
    return {
      action,
      ok: false,
      error: new ProviderError(
        'Unavailable',
        `Read-back of ${role.name} does not show MFA: ${live.detail ?? ''}`,
      ),
    };
  }
  if (!action.enabled && switchEnabled(live)) {
    const e = snap.enforcement(role);
    const others = e.paths
      .filter((p) => p.owner !== 'rolegate')
      .map((p) => p.subflowAlias ?? p.stepId);
    return {
      action,
      ok: false,
      error: new ProviderError(
        'Invalid',
        `Holders of ${role.name} still pass a second factor through steps rolegate does not own (${others.join(', ')}); rolegate removes only its own`,
      ),
    };
  }
  return { action, ok: true, role: live };
}

function asProviderError(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  return new ProviderError('Unavailable', err instanceof Error ? err.message : String(err), {
    cause: err,
  });
}

/** The alias-safe key of a role: `name` for a realm role, `clientId.name` for a client role. */
function aliasKey(role: RoleKey): string {
  return conditionRoleValue(role).replace(/[^A-Za-z0-9._-]/g, '-');
}

/** An alias not yet in use (flow and config aliases are realm-wide). */
function unique(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}
