import { DEFAULT_ACCOUNT_POLICY, DEFAULT_ADDRESS_POLICY, type ThrottlePolicies } from '../auth/throttle.js';
import type { Config } from '../config/config.js';

/** The throttle policies of the configuration (free failures per account and per address, longest lock). */
export function throttlePolicies(config: Config): ThrottlePolicies {
  const maxLockMs = config.throttle.maxLockSeconds * 1000;
  return {
    account: { ...DEFAULT_ACCOUNT_POLICY, freeFailures: config.throttle.accountFreeFailures, maxLockMs },
    address: { ...DEFAULT_ADDRESS_POLICY, freeFailures: config.throttle.addressFreeFailures, maxLockMs },
  };
}
