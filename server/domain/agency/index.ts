export type { AgencyCode } from './code.js';
export { AGENCY_CODE_MAX_LENGTH, AGENCY_CODE_PATTERN, parseAgencyCode, isAgencyCode, isCommonForm, agencyLevel, parentAgencyCode, ancestorsOf, isDescendantOf, levelOneGroup, rootAgencyCode } from './code.js';
export type { LevelOneKind } from './level-one.js';
export { LEVEL_ONE_NAMES, levelOneKind, levelOneNameOf } from './level-one.js';
