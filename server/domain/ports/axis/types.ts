export type { PackageKind } from '../../edxml/index.js';
export type { StatusCode } from '../../status/index.js';
