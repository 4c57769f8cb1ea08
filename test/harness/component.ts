/** A Component is a real server started for the integration tests. */
export interface Component {
  /** Values handed to the tests through vitest's provide/inject (inject('env')). */
  provide: Record<string, string>;
  /** Stops the component by pid and waits for it to exit. */
  stop(): Promise<void>;
}
