import { ConnectionGate } from './connection-gate';

describe('ConnectionGate', () => {
  it('admits up to the per-client bound, then refuses that client only', () => {
    const gate = new ConnectionGate({ maxConnections: 10, maxConnectionsPerClient: 2 });
    gate.open('a');
    expect(gate.verdict('a')).toBeUndefined();
    gate.open('a');
    expect(gate.verdict('a')).toBe('TOO_MANY_CONNECTIONS_FROM_IP');
    expect(gate.verdict('b')).toBeUndefined();
    gate.close('a');
    expect(gate.verdict('a')).toBeUndefined();
  });

  it('refuses everyone at the overall bound', () => {
    const gate = new ConnectionGate({ maxConnections: 2, maxConnectionsPerClient: 2 });
    gate.open('a');
    gate.open('b');
    expect(gate.verdict('c')).toBe('TOO_MANY_CONNECTIONS');
    expect(gate.size).toBe(2);
  });

  it('refuses every new session once draining, whatever the counts', () => {
    const gate = new ConnectionGate({ maxConnections: 2, maxConnectionsPerClient: 2 });
    gate.startDraining();
    expect(gate.verdict('a')).toBe('SHUTTING_DOWN');
    expect(gate.isDraining).toBe(true);
  });

  it('ignores closing a client it never opened, so counts cannot go negative', () => {
    const gate = new ConnectionGate({ maxConnections: 1, maxConnectionsPerClient: 1 });
    gate.close('ghost');
    expect(gate.size).toBe(0);
    gate.open('a');
    expect(gate.verdict('b')).toBe('TOO_MANY_CONNECTIONS');
  });

  it('holds sessions exempt from the per-client bound to the overall bound, and does not count them per client', () => {
    const gate = new ConnectionGate({ maxConnections: 4, maxConnectionsPerClient: 1 });
    gate.open('10.0.0.5', false);
    gate.open('10.0.0.5', false);
    expect(gate.verdict('10.0.0.5', false)).toBeUndefined();
    // The same address on a listener with per-client limits still has its own budget.
    expect(gate.verdict('10.0.0.5')).toBeUndefined();
    gate.open('10.0.0.5', false);
    gate.open('10.0.0.5', false);
    expect(gate.verdict('10.0.0.5', false)).toBe('TOO_MANY_CONNECTIONS');
    gate.close('10.0.0.5', false);
    expect(gate.size).toBe(3);
    expect(gate.verdict('10.0.0.5', false)).toBeUndefined();
  });
});
