// What keeps a running controller from being ready besides syncing: problems reported by reconcilers (a status
// write the API server refuses), each under a name and cleared by the same name once it is gone. The operations
// server's /readyz reads it.

/** A Readiness collects named problems; the controller is ready only while there are none. */
export class Readiness {
  private readonly problems = new Map<string, string>();

  /** Records a problem under `name` (replacing an earlier one of that name). */
  set(name: string, message: string): void {
    this.problems.set(name, message);
  }

  /** Forgets the problem under `name`, if any. */
  clear(name: string): void {
    this.problems.delete(name);
  }

  /** Whether no problem is recorded. */
  get ok(): boolean {
    return this.problems.size === 0;
  }

  /** One line per kind of problem, for /readyz: the first message and how many more there are. */
  describe(): string[] {
    const byKind = new Map<string, { first: string; n: number }>();
    for (const [name, message] of this.problems) {
      const kind = name.slice(0, name.indexOf(':') + 1 || name.length);
      const e = byKind.get(kind);
      if (e) e.n++;
      else byKind.set(kind, { first: message, n: 1 });
    }
    return [...byKind.values()].map((e) =>
      e.n > 1 ? `${e.first} (and ${e.n - 1} more)` : e.first,
    );
  }
}
