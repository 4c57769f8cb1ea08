// Directory mode has no API server to hold status, so status goes to the log (one line per change), to a
// JSON report served on /status, and, when configured, to a status file written atomically.
import { compareText } from '../api/compare-text.js';
import { readFile, rename, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import { objectFields } from '../log.js';
import type {
  IdentityProvider,
  IdentityProviderStatus,
  PrivilegedRole,
  PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import type { ManifestIssue } from '../manifests/load.js';
import type { StatusWriter } from './types.js';

/** Where status is kept in directory mode. */
export interface StatusHolder {
  setRoleStatus(key: string, status: PrivilegedRoleStatus): void;
  setProviderStatus(key: string, status: IdentityProviderStatus): void;
  readonly roles: { list(): readonly PrivilegedRole[] };
  readonly providers: { list(): readonly IdentityProvider[] };
  /** Problems of the files (unreadable, loops, special files, findings), for the report. */
  issues?(): ManifestIssue[];
  /** The file an object comes from, and the read problem of that file if it has one. */
  sourceOf?(
    kind: 'PrivilegedRole' | 'IdentityProvider',
    key: string,
  ): { file: string; problem?: string } | undefined;
}

/** The JSON report of directory mode (GET /status and the status file). */
export interface StatusReport {
  roles: {
    key: string;
    role: string;
    mfaRequired: boolean;
    enforcement: string;
    /** When rolegate first saw the object (kept across restarts through this file); the claim age. */
    creationTimestamp?: string;
    /** The file it comes from. */
    file?: string;
    /** Why that file could not be read; the object shown is the last good one. */
    fileProblem?: string;
    status?: PrivilegedRoleStatus;
  }[];
  providers: { name: string; creationTimestamp?: string; status?: IdentityProviderStatus }[];
  /** Errors of the files: unreadable, not regular files, links that lead nowhere. */
  fileErrors?: { file: string; rule: string; message: string }[];
}

/**
 * The first-seen times recorded in a status file (`PrivilegedRole/ns/name`, `IdentityProvider/name` → RFC
 * 3339): a restarted controller gives each object the age it had, so a file added while it was down does not
 * become the older claim. A missing or unreadable file gives none.
 */
export async function readFirstSeen(statusFile: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let report: Partial<StatusReport>;
  try {
    report = JSON.parse(await readFile(statusFile, 'utf8')) as Partial<StatusReport>;
  } catch {
    return out;
  }
  const stamp = (v: unknown): v is string => typeof v === 'string' && !Number.isNaN(Date.parse(v));
  for (const r of Array.isArray(report.roles) ? report.roles : []) {
    if (typeof r?.key === 'string' && stamp(r.creationTimestamp))
      out.set(`PrivilegedRole/${r.key}`, r.creationTimestamp);
  }
  for (const p of Array.isArray(report.providers) ? report.providers : []) {
    if (typeof p?.name === 'string' && stamp(p.creationTimestamp))
      out.set(`IdentityProvider/${p.name}`, p.creationTimestamp);
  }
  return out;
}

/** A DirectoryStatusWriter logs and records status, and writes the status file. */
export class DirectoryStatusWriter implements StatusWriter {
  private fileTimer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  writes = 0;

  constructor(
    private readonly holder: StatusHolder,
    private readonly log: Logger,
    private readonly statusFile?: string,
  ) {}

  writeRole(role: PrivilegedRole, status: PrivilegedRoleStatus): Promise<void> {
    const key = objectKey(role.metadata);
    this.holder.setRoleStatus(key, status);
    this.writes++;
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    const mfa = status.conditions?.find((c) => c.type === 'MFAEnforced');
    const holders = status.conditions?.find((c) => c.type === 'HoldersCovered');
    this.log.info(
      {
        ...objectFields('PrivilegedRole', role.metadata),
        ready: ready?.status,
        reason: ready?.reason,
        mfaEnforced: mfa?.status,
        ...(holders ? { holdersCovered: holders.status } : {}),
        role: status.atProvider?.roleDisplayName,
      },
      roleStatusLine(key, status),
    );
    this.scheduleFile();
    return Promise.resolve();
  }

  writeProvider(provider: IdentityProvider, status: IdentityProviderStatus): Promise<void> {
    this.holder.setProviderStatus(provider.metadata.name, status);
    this.writes++;
    const ready = status.conditions?.find((c) => c.type === 'Ready');
    this.log.info(
      {
        ...objectFields('IdentityProvider', provider.metadata),
        ready: ready?.status,
        rolesWithoutMfa: status.alerts?.rolesWithoutMfa,
      },
      `IdentityProvider ${provider.metadata.name}: Ready=${ready?.status ?? 'Unknown'}: ${ready?.message ?? ''}`,
    );
    this.scheduleFile();
    return Promise.resolve();
  }

  /** The current report. */
  report(): StatusReport {
    const report: StatusReport = {
      roles: this.holder.roles
        .list()
        .map((r) => {
          const key = objectKey(r.metadata);
          const entry: StatusReport['roles'][number] = {
            key,
            role: r.spec?.role?.displayName ?? r.spec?.role?.id ?? '',
            mfaRequired: r.spec?.mfaRequired === true,
            enforcement: r.spec?.enforcement ?? 'Enforce',
          };
          if (r.metadata.creationTimestamp) entry.creationTimestamp = r.metadata.creationTimestamp;
          const from = this.holder.sourceOf?.('PrivilegedRole', key);
          if (from) entry.file = from.file;
          if (from?.problem !== undefined) entry.fileProblem = from.problem;
          if (r.status) entry.status = r.status;
          return entry;
        })
        .sort((a, b) => compareText(a.key, b.key)),
      providers: this.holder.providers
        .list()
        .map((p) => {
          const entry: StatusReport['providers'][number] = { name: p.metadata.name };
          if (p.metadata.creationTimestamp) entry.creationTimestamp = p.metadata.creationTimestamp;
          if (p.status) entry.status = p.status;
          return entry;
        })
        .sort((a, b) => compareText(a.name, b.name)),
    };
    const errors = this.holder
      .issues?.()
      .filter((i) => i.rule.startsWith('io.') && i.severity === 'error');
    if (errors && errors.length > 0)
      report.fileErrors = errors.map((i) => ({ file: i.file, rule: i.rule, message: i.message }));
    return report;
  }

  /** Waits for a pending status-file write. */
  async flush(): Promise<void> {
    if (this.fileTimer) {
      clearTimeout(this.fileTimer);
      this.fileTimer = undefined;
      this.writing = this.writing.then(() => this.writeFile());
    }
    await this.writing;
  }

  private scheduleFile(): void {
    if (!this.statusFile || this.fileTimer) return;
    this.fileTimer = setTimeout(() => {
      this.fileTimer = undefined;
      this.writing = this.writing.then(() => this.writeFile());
    }, 100);
  }

  private async writeFile(): Promise<void> {
    if (!this.statusFile) return;
    const tmp = `${this.statusFile}.tmp`;
    try {
      await writeFile(tmp, JSON.stringify(this.report(), null, 2) + '\n');
      await rename(tmp, this.statusFile);
    } catch (err) {
      this.log.error({ file: this.statusFile, err: String(err) }, 'cannot write the status file');
    }
  }
}

/**
 * The log line of a role's status in directory mode: Ready with its reason and message, MFAEnforced, and, when
 * holders were judged, HoldersCovered, with the holders not covered named when there are any.
 */
export function roleStatusLine(key: string, status: PrivilegedRoleStatus): string {
  const find = (type: string) => status.conditions?.find((c) => c.type === type);
  const ready = find('Ready');
  const mfa = find('MFAEnforced');
  const holders = find('HoldersCovered');
  const judged = holders && holders.status !== 'Unknown' ? ` HoldersCovered=${holders.status}` : '';
  const gap = holders?.status === 'False' ? `; ${holders.reason}: ${holders.message}` : '';
  return `${key}: Ready=${ready?.status ?? 'Unknown'} (${ready?.reason ?? ''}) MFAEnforced=${mfa?.status ?? 'Unknown'}${judged}: ${ready?.message ?? ''}${gap}`;
}
