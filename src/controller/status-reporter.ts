// Writes status for both reconcilers: only when it changed, counted in metrics. A write the API server refuses for
// lack of permission is not an ordinary failure: the object would show no status at all, as if never reconciled,
// so it is said in three places an operator looks: a Warning Event (Events may still be allowed), an error log
// line, and the controller's readiness, until a write of that object succeeds.
import type { Logger } from 'pino';
import type {
  IdentityProvider,
  IdentityProviderStatus,
  PrivilegedRole,
  PrivilegedRoleStatus,
} from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { jsonEqual } from '../api/json-equal.js';
import { retry, type Result } from '../reconcile/result.js';
import { isForbidden } from '../status/stale-object-error.js';
import type { EventRecorder, StatusWriter } from '../status/types.js';
import type { ControllerMetrics } from './metrics.js';
import type { Readiness } from './readiness.js';

/** The reason of the Warning Event recorded when the API server refuses a status write. */
export const STATUS_FORBIDDEN_EVENT = 'StatusWriteForbidden';

/** What a StatusReporter writes with. */
export interface StatusReporterDeps {
  writer: StatusWriter;
  events: EventRecorder;
  log: Logger;
  readiness: Readiness;
  metrics?: ControllerMetrics | undefined;
}

/** A StatusReporter writes changed status and reports refused writes. */
export class StatusReporter {
  constructor(private readonly deps: StatusReporterDeps) {}

  /** Writes a PrivilegedRole's status if it changed; a Result when the write was refused for good. */
  role(
    role: PrivilegedRole,
    next: PrivilegedRoleStatus,
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    return this.write(role, role.status, next, () =>
      this.deps.writer.writeRole(role, next, signal),
    );
  }

  /** Writes an IdentityProvider's status if it changed; a Result when the write was refused for good. */
  provider(
    idp: IdentityProvider,
    next: IdentityProviderStatus,
    signal?: AbortSignal,
  ): Promise<Result | undefined> {
    return this.write(idp, idp.status, next, () =>
      this.deps.writer.writeProvider(idp, next, signal),
    );
  }

  /** Forgets a refused write of an object that is gone. */
  forget(kind: PrivilegedRole['kind'] | IdentityProvider['kind'], key: string): void {
    this.deps.readiness.clear(`status:${kind}/${key}`);
  }

  private async write(
    obj: PrivilegedRole | IdentityProvider,
    prev: unknown,
    next: unknown,
    write: () => Promise<void>,
  ): Promise<Result | undefined> {
    if (jsonEqual(prev ?? {}, next)) return undefined;
    const what = `${obj.kind} ${objectKey(obj.metadata)}`;
    const name = `status:${obj.kind}/${objectKey(obj.metadata)}`;
    try {
      await write();
    } catch (err) {
      if (!isForbidden(err)) throw err;
      const message = `the API server refused to write the status of ${what} (403 Forbidden): the controller's role needs update on ${obj.kind === 'PrivilegedRole' ? 'privilegedroles' : 'identityproviders'}/status`;
      this.deps.log.error({ kind: obj.kind, key: objectKey(obj.metadata) }, message);
      this.deps.events.record(obj, {
        type: 'Warning',
        reason: STATUS_FORBIDDEN_EVENT,
        note: `Cannot write status: ${message}`,
        action: 'Update',
      });
      this.deps.readiness.set(name, message);
      return retry(message);
    }
    this.deps.readiness.clear(name);
    this.deps.metrics?.statusWrites.inc({ kind: obj.kind });
    return undefined;
  }
}
