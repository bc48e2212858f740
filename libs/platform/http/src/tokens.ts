// Injection tokens for the process-wide pieces of a ServiceRuntime.
export const RUNTIME = Symbol('postline.runtime');
export const LOGGER = Symbol('postline.logger');
export const METRICS = Symbol('postline.metrics');
export const READINESS = Symbol('postline.readiness');
export const CONFIG = Symbol('postline.config');
