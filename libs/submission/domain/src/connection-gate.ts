// Admission of SMTP sessions across all listeners: a bound on sessions overall
// and per client key (address or IPv6 /64), and a draining switch for shutdown.
// Sessions from trusted networks count overall but not per client (like
// Postfix's mynetworks, exempt from its per-client limits): many internal
// applications may share one address. It only counts; the guard dispatcher
// turns its verdict into the reply.

export interface ConnectionLimits {
  maxConnections: number;
  maxConnectionsPerClient: number;
}

export type GateVerdict = 'SHUTTING_DOWN' | 'TOO_MANY_CONNECTIONS' | 'TOO_MANY_CONNECTIONS_FROM_IP';

export class ConnectionGate {
  private readonly perClient = new Map<string, number>();
  private total = 0;
  private draining = false;

  constructor(private readonly limits: ConnectionLimits) {}

  /**
   * Why a new session from `client` may not start now, if it may not. A client
   * that is not `perClient` (a trusted network) is held to the overall bound only.
   */
  verdict(client: string, perClient = true): GateVerdict | undefined {
    if (this.draining) return 'SHUTTING_DOWN';
    if (this.total >= this.limits.maxConnections) return 'TOO_MANY_CONNECTIONS';
    if (perClient && (this.perClient.get(client) ?? 0) >= this.limits.maxConnectionsPerClient)
      return 'TOO_MANY_CONNECTIONS_FROM_IP';
    return undefined;
  }

  /** Counts an admitted session; `perClient` as given to verdict (and again to close). */
  open(client: string, perClient = true): void {
    this.total++;
    if (perClient) this.perClient.set(client, (this.perClient.get(client) ?? 0) + 1);
  }

  close(client: string, perClient = true): void {
    if (!perClient) {
      if (this.total > 0) this.total--;
      return;
    }
    const n = this.perClient.get(client);
    if (n === undefined) return;
    this.total--;
    if (n <= 1) this.perClient.delete(client);
    else this.perClient.set(client, n - 1);
  }

  startDraining(): void {
    this.draining = true;
  }

  get isDraining(): boolean {
    return this.draining;
  }

  get size(): number {
    return this.total;
  }
}
