export type { RegistryAgency } from './development.js';
export { DEVELOPMENT_REGISTRY_NOTICE, childrenOf, developmentAgencies } from './development.js';
export { boundAtValidationTime, roleAtValidationTime, type BindingEntry, type BindingRole } from './binding.js';
