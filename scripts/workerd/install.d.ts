/** Types of install.js, for the TypeScript tests. */

/** The pinned workerd release (npm versions are `1.<release date>.<patch>`). */
export const WORKERD_VERSION: string;
/** The npm package carrying this machine's workerd binary. */
export function workerdPackage(): string;
/** The path of the workerd binary under .runtimes/ (it may not be installed). */
export function workerdBinary(): string;
/** Installs workerd unless its binary is there; whether it was downloaded now. */
export function installWorkerd(): boolean;
/** What `workerd --version` prints: `workerd 2026-11-23`. */
export function workerdVersion(): string;
