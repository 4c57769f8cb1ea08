// PIM's own alert "Roles don't require multi-factor authentication for activation" (Graph beta,
// graph-pim.md §4), read as ProviderAlerts. PIM computes alerts in periodic scans, so a fresh answer needs a
// refresh first: POST alerts/refresh answers 202 with the Location of an operation, which is polled (bounded)
// until it succeeds; then the alert (for its definition's severity) and its incidents (paged) are read.
import { compareText } from '../../api/compare-text.js';
import type { ProviderAlert } from '../types.js';
import { ProviderError } from '../types.js';
import type { GraphClient } from './graph-client.js';
import { sleep } from './retry.js';

/** The suffix of the MFA alert's id, `DirectoryRole_{tenantId}_NoMfaOnRoleActivationAlert`. */
export const NO_MFA_ALERT = 'NoMfaOnRoleActivationAlert';

/** How long alerts() waits for a refresh. */
export interface AlertRefreshOptions {
  /** The longest delay between polls of the refresh operation (default 1000 ms; polling starts at 100 ms). */
  pollIntervalMs?: number;
  /** Give up waiting after this long and read the last scan (default 30 000 ms). */
  timeoutMs?: number;
}

interface AlertBody {
  id: string;
  isActive?: boolean;
  alertDefinition?: { severityLevel?: string | null } | null;
}

interface IncidentBody {
  id: string;
  roleTemplateId?: string;
  roleDisplayName?: string;
}

interface OperationBody {
  status?: string;
}

/** The beta root (`…/beta`) of a client whose root is `…/v1.0`: alerts exist in beta only. */
function betaRoot(graph: GraphClient): string {
  return graph.root.replace(/\/v1\.0$/, '/beta');
}

/**
 * Starts a refresh and waits for it, within the bound. A refresh that cannot be started for lack of
 * RoleManagementAlert.ReadWrite.Directory, that fails or that takes too long is not fatal: the last scan is
 * still PIM's answer, only older, and reading it needs just RoleManagementAlert.Read.Directory. Returns whether
 * the refresh finished.
 */
async function refresh(
  graph: GraphClient,
  base: string,
  o: Required<AlertRefreshOptions>,
  signal?: AbortSignal,
): Promise<boolean> {
  let location: string | null | undefined;
  try {
    // Starting a scan twice is harmless, so the client's retries are safe for this POST.
    const r = await graph.request('POST', `${base}/alerts/refresh`, {
      body: { scopeId: '/', scopeType: 'DirectoryRole' },
      signal,
    });
    location = r.headers?.get('location');
  } catch (err) {
    if (err instanceof ProviderError && err.kind === 'PermissionDenied') return false;
    throw err;
  }
  if (!location) return false;
  const deadline = Date.now() + o.timeoutMs;
  // Short scans finish in well under a second: start polling fast and slow down to the interval.
  let wait = Math.min(100, o.pollIntervalMs);
  for (;;) {
    const op = await graph.get<OperationBody>(location, signal);
    if (op.status === 'succeeded') return true;
    if (op.status === 'failed' || Date.now() + wait > deadline) return false;
    await sleep(wait, signal);
    wait = Math.min(wait * 2, o.pollIntervalMs);
  }
}

/**
 * Reads PIM's NoMfaOnRoleActivationAlert after a refresh: one ProviderAlert per incident, with the severity
 * of the alert's definition. A dismissed alert (isActive false) reports nothing. Throws a ProviderError when the
 * alert cannot be read (403, beta unavailable, no such alert) so that callers fall back to the snapshot.
 */
export async function readNoMfaAlerts(
  graph: GraphClient,
  tenantId: string,
  opts: AlertRefreshOptions & { pageSize?: number | undefined } = {},
  signal?: AbortSignal,
): Promise<ProviderAlert[]> {
  const base = `${betaRoot(graph)}/identityGovernance/roleManagementAlerts`;
  await refresh(
    graph,
    base,
    { pollIntervalMs: opts.pollIntervalMs ?? 1000, timeoutMs: opts.timeoutMs ?? 30_000 },
    signal,
  );
  const id = encodeURIComponent(`DirectoryRole_${tenantId}_${NO_MFA_ALERT}`);
  const alert = await graph.get<AlertBody>(`${base}/alerts/${id}?$expand=alertDefinition`, signal);
  if (alert.isActive === false) return [];
  const severity = alert.alertDefinition?.severityLevel ?? 'unknown';
  const top = opts.pageSize === undefined ? '' : `?$top=${opts.pageSize}`;
  const incidents = await graph.list<IncidentBody>(
    `${base}/alerts/${id}/alertIncidents${top}`,
    signal,
  );
  return incidents
    .map((i) => ({
      roleId: (i.roleTemplateId ?? i.id).toLowerCase(),
      roleDisplayName: i.roleDisplayName ?? i.roleTemplateId ?? i.id,
      severity,
    }))
    .sort(
      (a, b) =>
        compareText(a.roleDisplayName, b.roleDisplayName) || compareText(a.roleId, b.roleId),
    );
}
