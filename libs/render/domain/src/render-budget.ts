// Bounds on one run of a template part. Templates cannot recurse (no partials,
// no custom helpers), but nested {{#each}} over recipient-sized arrays
// multiply, and a block repeated many times can emit far more than the output
// bound before the run ends. So each run gets a budget, checked while it runs:
// block iterations plus merge-data reads (steps), characters the blocks
// emit, and characters of merge values read. Exceeding one stops the run at
// once with a RenderError; nothing of the message is produced.
import type Handlebars from 'handlebars';
import { RenderError } from './render-errors';
import type { MergeData } from './template-compiler';

/** Block iterations and merge-data lookups one part may make. */
export const DEFAULT_MAX_RENDER_STEPS = 250_000;
/**
 * Characters of merge values one part may read, as a multiple of the output
 * bound: reads in conditions are not output, so this is looser than the output.
 */
export const READ_ALLOWANCE = 8;

export interface BudgetLimits {
  part: string;
  maxSteps: number;
  /** Characters blocks may emit in total; callers scale it with the block nesting depth. */
  maxEmitted: number;
  /** Characters of merge values that may be read. */
  maxRead: number;
}

export class RenderBudget {
  private steps = 0;
  private emitted = 0;
  private read = 0;
  /** One proxy per data object, so repeated lookups do not wrap again. */
  readonly proxies = new WeakMap<object, object>();

  constructor(private readonly limits: BudgetLimits) {}

  step(): void {
    if (++this.steps > this.limits.maxSteps) {
      throw new RenderError(
        'RENDER_LIMIT_EXCEEDED',
        `${this.limits.part}: more than ${this.limits.maxSteps} block iterations and lookups (nested loops over large lists?)`,
      );
    }
  }

  emit(chars: number): void {
    this.emitted += chars;
    if (this.emitted > this.limits.maxEmitted) {
      throw new RenderError(
        'RENDER_OUTPUT_TOO_LARGE',
        `${this.limits.part}: blocks emit more than the output bound allows`,
      );
    }
  }

  readValue(chars: number): void {
    this.step();
    this.read += chars;
    if (this.read > this.limits.maxRead) {
      throw new RenderError(
        'RENDER_OUTPUT_TOO_LARGE',
        `${this.limits.part}: reads more than ${this.limits.maxRead} characters of merge data`,
      );
    }
  }
}

// Rendering is synchronous, so the budget of the run in progress is simply
// held here while it runs; the wrapped helpers below charge it.
let current: RenderBudget | undefined;

/** Runs `work` with `budget` charged by every block iteration and merge-data read. */
export function withBudget<T>(budget: RenderBudget, work: () => T): T {
  const outer = current;
  current = budget;
  try {
    return work();
  } finally {
    current = outer;
  }
}

type BlockFn = ((context: unknown, options?: unknown) => string) & { [CHARGED]?: true };
const CHARGED = Symbol('charged');

function charged(fn: BlockFn | undefined): BlockFn | undefined {
  // blockHelperMissing hands arrays on to each: charge a block body once.
  if (typeof fn !== 'function' || fn[CHARGED]) return fn;
  const wrapped: BlockFn = function (this: unknown, context: unknown, options?: unknown) {
    current?.step();
    const out = fn.call(this, context, options);
    current?.emit(out.length);
    return out;
  };
  wrapped[CHARGED] = true;
  return wrapped;
}

/**
 * Wraps the block helpers so every block body they run (each iteration, every
 * if/with branch, blocks over plain data) is charged to the current budget.
 */
export function chargeBlockHelpers(env: typeof Handlebars): void {
  for (const name of ['each', 'if', 'unless', 'with', 'blockHelperMissing']) {
    const original = env.helpers[name] as (...args: unknown[]) => unknown;
    env.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const options = args[args.length - 1] as { fn?: BlockFn; inverse?: BlockFn } | undefined;
      if (options && typeof options === 'object' && (options.fn || options.inverse)) {
        args[args.length - 1] = {
          ...options,
          fn: charged(options.fn),
          inverse: charged(options.inverse),
        };
      }
      return original.apply(this, args);
    });
  }
}

/** The merge data as the template sees it: every lookup is charged to `budget`. */
export function chargedData(data: MergeData, budget: RenderBudget): MergeData {
  return wrap(data, budget) as MergeData;
}

function wrap(value: object, budget: RenderBudget): object {
  const known = budget.proxies.get(value);
  if (known) return known;
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      const v: unknown = Reflect.get(target, key, receiver);
      if (typeof key === 'symbol') return v;
      if (typeof v === 'string') budget.readValue(v.length);
      else budget.step();
      if (v === null || typeof v !== 'object') return v;
      // A proxy must return a frozen property's own value (a Proxy invariant).
      const own = Reflect.getOwnPropertyDescriptor(target, key);
      return own && !own.configurable && !own.writable ? v : wrap(v, budget);
    },
  });
  budget.proxies.set(value, proxy);
  return proxy;
}
