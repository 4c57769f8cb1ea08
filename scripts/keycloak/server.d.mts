// Types for server.mjs, which stays plain JavaScript so that a human can run it with node.

/** The pinned Keycloak release. */
export declare const KEYCLOAK_VERSION: string;

/** Options for {@link startKeycloakServer}. */
export interface StartOptions {
  version?: string;
  httpPort?: number;
  managementPort?: number;
  javaHome?: string;
  /** Where the log goes (default: <cache>/run). */
  runDir?: string;
  /** How long to wait for /health/ready (default 240 s). */
  timeoutMs?: number;
  log?: (line: string) => void;
}

/** A running Keycloak started by {@link startKeycloakServer}. */
export interface KeycloakServer {
  url: string;
  managementUrl: string;
  pid: number;
  /** Milliseconds from spawn to ready. */
  startMs: number;
  logFile: string;
  javaHome: string;
  /** The bootstrap admin user and service account of the master realm. */
  admin: { username: string; password: string; clientId: string; clientSecret: string };
  /** Stops the server by its process group (TERM, then KILL after 20 s) and waits for it to exit. */
  stop(): Promise<void>;
}

/** The cache folder: ${XDG_CACHE_HOME:-~/.cache}/rolegate/keycloak. */
export declare function cacheDir(): string;
/** Picks the JDK to run Keycloak on. */
export declare function pickJavaHome(): string;
/** Downloads (Maven) and unpacks the distribution if needed; returns its home folder. */
export declare function ensureDistribution(opts?: {
  version?: string;
  log?: (line: string) => void;
}): string;
/** A free TCP port on 127.0.0.1. */
export declare function freePort(): Promise<number>;
/** Starts Keycloak in dev mode on loopback and waits until it is ready. */
export declare function startKeycloakServer(opts?: StartOptions): Promise<KeycloakServer>;
/** An admin token from the bootstrap service account. */
export declare function adminToken(server: Pick<KeycloakServer, 'url' | 'admin'>): Promise<string>;
/** Creates a confidential service-account client in a realm with the given realm-management roles. */
export declare function createServiceAccountClient(o: {
  url: string;
  token: string;
  realm: string;
  clientId: string;
  secret: string;
  roles?: string[];
}): Promise<{ clientId: string; secret: string }>;
