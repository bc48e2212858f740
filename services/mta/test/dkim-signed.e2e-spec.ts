// Scenario: the MTA boots with DKIM keys mounted as files (an RSA-2048 and an
// Ed25519 key for the From domain), signs at send time, and the receiver gets
// a message whose two signatures an independent verifier (mailauth, with the
// keys' TXT records served by a stub resolver) accepts. The DELIVERED event
// names the signing domain.
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { events } from '@postline/contracts';
import { DkimKeyRing, dnsNameFor, dnsRecordFor } from '@postline/mta/dkim';
import { ScriptedSmtpPeer } from '@postline/mta/testing';
import type { Kafka } from 'kafkajs';
import { dkimVerify } from 'mailauth/lib/dkim/verify';
import {
  EventTap,
  kafkaClient,
  outboundMessage,
  produceOutbound,
  runDomain,
  startCatchAllPeer,
  startMta,
  type RunningMta,
} from './support/mta-e2e';

const DELIVERED = events.DeliveryEventType.DELIVERY_EVENT_TYPE_DELIVERED;

function writeKeys(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mta-e2e-dkim-'));
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
  const ed = generateKeyPairSync('ed25519').privateKey;
  // outboundMessage() writes "From: News <news@postline.test>".
  writeFileSync(
    join(dir, 'postline.test_rsa2026.pem'),
    rsa.export({ type: 'pkcs8', format: 'pem' }),
  );
  writeFileSync(join(dir, 'postline.test_ed2026.pem'), ed.export({ type: 'pkcs8', format: 'pem' }));
  return dir;
}

describe('mta signs outgoing mail with DKIM', () => {
  const domain = runDomain();
  const message = outboundMessage(domain, `signed@${domain}`, 'dkim e2e');
  const keysDir = writeKeys();
  let catchAll: ScriptedSmtpPeer;
  let peer: ScriptedSmtpPeer;
  let mta: RunningMta;
  let kafka: Kafka;
  let tap: EventTap;

  beforeAll(async () => {
    catchAll = await startCatchAllPeer();
    peer = await ScriptedSmtpPeer.start({ name: `mx.${domain}` });
    mta = await startMta(`*=127.0.0.1:${catchAll.port},${domain}=127.0.0.1:${peer.port}`, {
      POSTLINE_MTA_DKIM_KEYS_DIR: keysDir,
    });
    kafka = kafkaClient();
    tap = await EventTap.start(kafka, new Set([message.messageId]));
  });

  afterAll(async () => {
    await tap?.stop();
    await mta?.service.stop();
    await Promise.all([catchAll?.close(), peer?.close()]);
  });

  it('delivers a message whose RSA and Ed25519 signatures both verify', async () => {
    await produceOutbound(kafka, [message]);
    const delivered = await tap.waitFor(
      (all) => all.find((e) => e.type === DELIVERED),
      'DELIVERED',
    );
    expect(delivered.dkimDomain).toBe('postline.test');

    const received = peer.delivered[0].data!;
    const ring = DkimKeyRing.fromDirectory(keysDir);
    const records = new Map(
      ring.keysFor('postline.test').map((k) => [dnsNameFor(k), dnsRecordFor(k)]),
    );
    const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
      const record = rrtype === 'TXT' ? records.get(name) : undefined;
      if (!record) throw Object.assign(new Error(`no ${rrtype} ${name}`), { code: 'ENOTFOUND' });
      return [record.match(/.{1,255}/g) ?? []];
    };
    const { results } = await dkimVerify(received, { resolver });
    expect(results.map((r) => [r.signingDomain, r.selector, r.status.result])).toEqual([
      ['postline.test', 'ed2026', 'pass'],
      ['postline.test', 'rsa2026', 'pass'],
    ]);
    // Everything after the signatures is the message as render/submission built it.
    expect(received.toString('latin1')).toContain(Buffer.from(message.rawMime).toString('latin1'));
  });
});
