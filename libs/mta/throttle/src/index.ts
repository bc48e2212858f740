// Per-routing-key budgets: message rate limits, connection limits and backoff mode.
export {};
