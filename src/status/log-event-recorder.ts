// Events in directory mode: log lines, with the same deduplication as Kubernetes Events so a flapping role
// cannot flood the log.
import type { Logger } from 'pino';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import type { EventRecorder, ObjectEvent } from './types.js';

/** A LogEventRecorder writes events to the log, repeating one only after `repeatAfterMs`. */
export class LogEventRecorder implements EventRecorder {
  private readonly last = new Map<string, number>();
  readonly recorded: (ObjectEvent & { key: string })[] = [];

  constructor(
    private readonly log: Logger,
    private readonly repeatAfterMs = 3_600_000,
  ) {}

  record(object: PrivilegedRole | IdentityProvider, event: ObjectEvent): void {
    const key = `${object.kind}/${objectKey(object.metadata)}`;
    const id = `${key}|${event.reason}|${event.note}`;
    const now = Date.now();
    const prev = this.last.get(id);
    if (prev !== undefined && now - prev < this.repeatAfterMs) return;
    this.last.set(id, now);
    this.recorded.push({ ...event, key });
    const fields = {
      event: event.reason,
      eventType: event.type,
      object: key,
      action: event.action,
    };
    if (event.type === 'Warning') this.log.warn(fields, `${key}: ${event.reason}: ${event.note}`);
    else this.log.info(fields, `${key}: ${event.reason}: ${event.note}`);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
