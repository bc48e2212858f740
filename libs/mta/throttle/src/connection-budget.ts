// Connections of one budget: at most maxConnections open at once, each
// carrying at most maxMessagesPerConnection messages before the engine closes
// it and opens a fresh one (receivers count per connection, and a long-lived
// connection pins us to one of their MX hosts).
import { checkPositiveInt } from './throttle.errors';

export interface ConnectionLimits {
  maxConnections: number;
  maxMessagesPerConnection: number;
}

/** One open (or opening) connection's slot; release it when the connection closes, whatever the reason. */
export class ConnectionLease {
  private sentCount = 0;
  private isReleased = false;

  constructor(
    private readonly budget: ConnectionBudget,
    readonly id: number,
  ) {}

  get sent(): number {
    return this.sentCount;
  }

  get released(): boolean {
    return this.isReleased;
  }

  /** Messages this connection may still carry; 0 once released. */
  get remaining(): number {
    if (this.isReleased) return 0;
    return Math.max(0, this.budget.limits.maxMessagesPerConnection - this.sentCount);
  }

  /** Counts one message on this connection; false (nothing counted) once it has carried its maximum. */
  tryTakeMessage(): boolean {
    if (this.remaining === 0) return false;
    this.sentCount++;
    return true;
  }

  /** Frees the slot; a second call does nothing, so a close path and an error path may both call it. */
  release(): void {
    if (this.isReleased) return;
    this.isReleased = true;
    this.budget.onRelease();
  }
}

export class ConnectionBudget {
  private open = 0;
  private nextId = 1;
  private current: ConnectionLimits;

  constructor(limits: ConnectionLimits) {
    this.current = checked(limits);
  }

  get limits(): ConnectionLimits {
    return { ...this.current };
  }

  get active(): number {
    return this.open;
  }

  get available(): number {
    return Math.max(0, this.current.maxConnections - this.open);
  }

  /** A slot for one more connection, or undefined when maxConnections are open. */
  tryAcquire(): ConnectionLease | undefined {
    if (this.open >= this.current.maxConnections) return undefined;
    this.open++;
    return new ConnectionLease(this, this.nextId++);
  }

  /**
   * New limits from now on. Lowering maxConnections closes nothing: open
   * connections finish, and no new one is granted until fewer than the new
   * maximum are open. A lower per-connection maximum applies to open ones too.
   */
  setLimits(limits: ConnectionLimits): void {
    this.current = checked(limits);
  }

  /** @internal called by ConnectionLease.release */
  onRelease(): void {
    this.open--;
  }
}

function checked(limits: ConnectionLimits): ConnectionLimits {
  checkPositiveInt(limits.maxConnections, 'maxConnections');
  checkPositiveInt(limits.maxMessagesPerConnection, 'maxMessagesPerConnection');
  return { ...limits };
}
