/** The pinned TypeScript 5 release. */
export declare const TYPESCRIPT5_VERSION: string;
/** The path of TypeScript 5's `tsc` script under .runtimes/ (it may not be installed). */
export declare function typescript5Tsc(): string;
/** Installs TypeScript 5 under .runtimes/ unless it is there; returns the path of its `tsc`. */
export declare function installTypescript5(): string;
