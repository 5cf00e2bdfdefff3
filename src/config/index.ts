/**
 * Keel's configuration room: parse → substitute env → validate → default → freeze, with
 * problems as data (path, code, message, hint). See docs/configuration.md.
 */
export type { ConfigDiff } from './diff.js';
export { diffConfig } from './diff.js';
export { configJsonSchema } from './json-schema.js';
export { loadConfigFile, parseConfig } from './load.js';
export { formatProblem } from './problems.js';
export type * from './types.js';
export type { LoadResult } from './validate.js';
export { validateConfig } from './validate.js';
export { configVersion } from './version.js';
export { configWarnings, objectiveWarning } from './warnings.js';
