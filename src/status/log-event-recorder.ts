// Events in directory mode: log lines, with the same deduplication as Kubernetes Events so a flapping role
// cannot flood the log.
import type { Logger } from 'pino';
import type { IdentityProvider, PrivilegedRole } from '../api/v1alpha1/types.js';
import { objectKey } from '../api/keys.js';
import { objectFields } from '../log.js';
import type { EventRecorder, ObjectEvent } from './types.js';

/** How many recent events a LogEventRecorder keeps for one-shot summaries (`rolegate apply`). */
const KEEP = 10_000;

/**
 * A LogEventRecorder writes events to the log; an identical event (same object, reason and note) within
 * `repeatAfterMs` is counted instead of logged again, like a Kubernetes Event series.
 */
export class LogEventRecorder implements EventRecorder {
  private readonly last = new Map<string, number>();
  /** Recent events, oldest first, bounded so a long-running controller does not grow. */
  readonly recorded: (ObjectEvent & { key: string })[] = [];
  /** Repeats not logged because of the window. */
  suppressed = 0;

  constructor(
    private readonly log: Logger,
    private readonly repeatAfterMs = 6 * 60_000,
  ) {}

  record(object: PrivilegedRole | IdentityProvider, event: ObjectEvent): void {
    const key = `${object.kind}/${objectKey(object.metadata)}`;
    const id = `${key}|${event.reason}|${event.note}`;
    const now = Date.now();
    const prev = this.last.get(id);
    if (prev !== undefined && now - prev < this.repeatAfterMs) {
      this.suppressed++;
      return;
    }
    if (this.last.size > KEEP) {
      for (const [k, at] of this.last) if (now - at >= this.repeatAfterMs) this.last.delete(k);
    }
    this.last.set(id, now);
    this.recorded.push({ ...event, key });
    if (this.recorded.length > KEEP) this.recorded.splice(0, this.recorded.length - KEEP);
    const fields = {
      ...objectFields(object.kind, object.metadata),
      event: event.reason,
      eventType: event.type,
      action: event.action,
    };
    if (event.type === 'Warning') this.log.warn(fields, `${key}: ${event.reason}: ${event.note}`);
    else this.log.info(fields, `${key}: ${event.reason}: ${event.note}`);
  }

  flush(): Promise<void> {
    return Promise.resolve();
  }
}
