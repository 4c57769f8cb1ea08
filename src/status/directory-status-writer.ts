// Directory mode has no API server to hold status, so status goes to the log (one line per change), to a
// JSON report served on /status, and, when configured, to a status file written atomically.
import { rename, writeFile } from 'node:fs/promises';
import type { Logger } from 'pino';
import type {
  IdentityProvider,
  IdentityProviderStatus,
  PrivilegedRole,
  PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import type { StatusWriter } from './types.js';

/** Where status is kept in directory mode. */
export interface StatusHolder {
  setRoleStatus(key: string, status: PrivilegedRoleStatus): void;
  setProviderStatus(key: string, status: IdentityProviderStatus): void;
  readonly roles: { list(): readonly PrivilegedRole[] };
  readonly providers: { list(): readonly IdentityProvider[] };
}

/** The JSON report of directory mode (GET /status and the status file). */
export interface StatusReport {
  roles: {
    key: string;
    role: string;
    mfaRequired: boolean;
    enforcement: string;
    status?: PrivilegedRoleStatus;
  }[];
  providers: { name: string; status?: IdentityProviderStatus }[];
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
    this.log.info(
      {
        key,
        ready: ready?.status,
        reason: ready?.reason,
        mfaEnforced: mfa?.status,
        role: status.atProvider?.roleDisplayName,
      },
      `${key}: Ready=${ready?.status ?? 'Unknown'} (${ready?.reason ?? ''}) MFAEnforced=${mfa?.status ?? 'Unknown'}: ${ready?.message ?? ''}`,
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
        provider: provider.metadata.name,
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
    return {
      roles: this.holder.roles
        .list()
        .map((r) => {
          const entry: StatusReport['roles'][number] = {
            key: objectKey(r.metadata),
            role: r.spec?.role?.displayName ?? r.spec?.role?.id ?? '',
            mfaRequired: r.spec?.mfaRequired === true,
            enforcement: r.spec?.enforcement ?? 'Enforce',
          };
          if (r.status) entry.status = r.status;
          return entry;
        })
        .sort((a, b) => a.key.localeCompare(b.key)),
      providers: this.holder.providers
        .list()
        .map((p) =>
          p.status ? { name: p.metadata.name, status: p.status } : { name: p.metadata.name },
        )
        .sort((a, b) => a.name.localeCompare(b.name)),
    };
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
