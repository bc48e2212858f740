// End-to-end scenarios start real processes and wait for real events; they
// wait on readiness and events, and this is only the outer bound.
jest.setTimeout(240000);
