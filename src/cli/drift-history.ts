// The drift rolegate corrected recently, for `rolegate report`: from the status the controller keeps (the status
// file of `run --dir --status-file`, or the PrivilegedRole objects' status in Kubernetes), or, when neither is
// given, the drift a live plan finds now (which says nothing about past corrections, and the report says so).
import { compareText } from '../api/compare-text.js';
import { readFile } from 'node:fs/promises';
import type { PrivilegedRoleStatus } from '../api/v1alpha1/types.js';
import type { StatusReport } from '../status/directory-status-writer.js';
import type { KubeClient } from '../kube/client.js';
import type { PlanRow } from './plan.js';
import type { DriftEntry, DriftHistory } from './coverage-report.js';

/** One object's status as the controller recorded it. */
export interface RecordedStatus {
  /** `namespace/name`. */
  object: string;
  /** The role as the spec names it, used when status has no display name. */
  role: string;
  status?: PrivilegedRoleStatus;
}

const at = (t: string | undefined): number => (t === undefined ? NaN : Date.parse(t));

/**
 * The entries worth showing: objects corrected at or after `since`, and objects whose drift is open now (Audit,
 * refused weakening, a write that failed). Newest correction first.
 */
export function recordedDrift(statuses: readonly RecordedStatus[], since: string): DriftEntry[] {
  const from = Date.parse(since);
  const out: DriftEntry[] = [];
  for (const s of statuses) {
    const d = s.status?.drift;
    if (!d) continue;
    const fields = (d.fields ?? []).map((f) => ({ ...f }));
    const recent = at(d.lastCorrectedTime) >= from;
    if (!recent && fields.length === 0) continue;
    out.push({
      object: s.object,
      role: s.status?.atProvider?.roleDisplayName ?? s.role,
      corrections: d.corrections ?? 0,
      ...(d.lastCorrectedTime !== undefined ? { lastCorrectedTime: d.lastCorrectedTime } : {}),
      ...(d.lastDetectedTime !== undefined ? { lastDetectedTime: d.lastDetectedTime } : {}),
      fields,
    });
  }
  return out.sort(
    (a, b) =>
      (at(b.lastCorrectedTime) || 0) - (at(a.lastCorrectedTime) || 0) ||
      compareText(a.object, b.object),
  );
}

function windowNote(since: string): string {
  return `Corrections written and verified by rolegate since ${since}, and drift still open, as recorded in`;
}

/**
 * Reads the status file of `run --dir --status-file` and keeps the objects in `objects` (the provider's
 * PrivilegedRoles). Throws when the file cannot be read or is not a status report.
 */
export async function driftFromStatusFile(
  file: string,
  objects: ReadonlySet<string>,
  since: string,
): Promise<DriftHistory> {
  let report: Partial<StatusReport>;
  try {
    report = JSON.parse(await readFile(file, 'utf8')) as Partial<StatusReport>;
  } catch (err) {
    throw new Error(`cannot read the status file ${file}: ${(err as Error).message}`);
  }
  if (!Array.isArray(report.roles))
    throw new Error(`${file} is not a rolegate status file (no "roles" list)`);
  const statuses: RecordedStatus[] = report.roles
    .filter((r) => typeof r?.key === 'string' && objects.has(r.key))
    .map((r) => ({ object: r.key, role: r.role, ...(r.status ? { status: r.status } : {}) }));
  return {
    source: 'statusFile',
    from: file,
    since,
    note: `${windowNote(since)} the status file ${file}.`,
    entries: recordedDrift(statuses, since),
  };
}

interface RoleObject {
  metadata: { name: string; namespace?: string };
  spec?: { providerRef?: { name?: string }; role?: { displayName?: string; id?: string } };
  status?: PrivilegedRoleStatus;
}

/** Reads the PrivilegedRoles of `provider` from the API server (one list request, every namespace). */
export async function driftFromKubernetes(
  kube: KubeClient,
  provider: string,
  since: string,
): Promise<DriftHistory> {
  const list = await kube.get<{ items?: RoleObject[] }>(
    '/apis/rolegate.io/v1alpha1/privilegedroles',
  );
  const statuses: RecordedStatus[] = (list.items ?? [])
    .filter((o) => o.spec?.providerRef?.name === provider)
    .map((o) => ({
      object: `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`,
      role: o.spec?.role?.displayName ?? o.spec?.role?.id ?? '',
      ...(o.status ? { status: o.status } : {}),
    }));
  return {
    source: 'kubernetes',
    from: kube.target.server,
    since,
    note: `${windowNote(since)} the status of the PrivilegedRole objects on ${kube.target.server}.`,
    entries: recordedDrift(statuses, since),
  };
}

/** The drift a live plan finds now, for the rows of `provider`. */
export function driftFromPlan(
  rows: readonly PlanRow[],
  provider: string,
  from: string,
): DriftHistory {
  return {
    source: 'livePlan',
    from,
    note:
      'No status history was given (--status-file or --kubernetes): this is the drift a live plan finds now, ' +
      'not corrections rolegate made. Drift listed here is corrected by the next reconcile (Enforce) or only ' +
      'reported (Audit).',
    entries: rows
      .filter((r) => r.provider === provider && r.drift.length > 0)
      .map((r) => ({
        object: r.key,
        role: r.role,
        corrections: 0,
        fields: r.drift.map((f) => ({ ...f })),
      })),
  };
}
