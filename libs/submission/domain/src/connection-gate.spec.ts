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
});
