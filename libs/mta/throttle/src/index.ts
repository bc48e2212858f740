// Per-routing-key budgets: message rate limits, connection limits and backoff mode.
export { ThrottleError, ThrottleErrorCodes, type ThrottleErrorCode } from './throttle.errors';
export { RateLimiter, type Rates, type TakeResult } from './rate-limiter';
export { ConnectionBudget, ConnectionLease, type ConnectionLimits } from './connection-budget';
export { BackoffGovernor, type BudgetState } from './backoff-governor';
export { Budget, type BudgetPolicy } from './budget';
export {
  BudgetRegistry,
  DEFAULT_IDLE_EVICT_MS,
  type BudgetRegistryOptions,
  type BudgetStats,
} from './budget-registry';
