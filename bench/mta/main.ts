// Entry of `npm run bench -- mta` (bench/mta/run.sh), issue 3's benchmark:
// 1. ceiling: Postfix's smtp-source sends N messages of 10 KB to smtp-sink over reused connections;
// 2. preload the same N messages for 1,000 domains (5 big, a long tail) into mail.outbound, start
//    the mta service with every domain routed to the same smtp-sink and DKIM signing on, and time
//    it until all N are delivered (CPU seconds, RSS along the way, a CPU profile);
// 3. throttle: one more domain with a 600 messages/minute policy gets mail alongside; its delivered
//    count over the next minutes shows how well the budget holds.
// The last line is one JSON object.
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { retryTopic, parseRetryTiers } from '@postline/mta/feature';
import { Topics, createKafka, ensureTopics } from '@postline/platform/kafka';
import { createLogger } from '@postline/platform/logging';
import { freePort, infra, startService } from '@postline/platform/testing';
import { topCosts } from '../shared/cpu-profile';
import { startSink, smtpSourceRate } from '../shared/postfix-tools';
import { FROM_DOMAIN, domainOf, preload } from './preload';
import { cpuSeconds, peakRssMb, rssMb } from '../shared/process-stats';

const N = Number(process.env.BENCH_MTA_MESSAGES ?? 100_000);
const DOMAINS = Number(process.env.BENCH_MTA_DOMAINS ?? 1000);
const SIZE = Number(process.env.BENCH_MTA_SIZE ?? 10_240);
const THROTTLE_MINUTES = Number(process.env.BENCH_MTA_THROTTLE_MINUTES ?? 5);
const DKIM = process.env.BENCH_MTA_DKIM ?? 'rsa';
const THROTTLE_RATE = 600;
const THROTTLED_DOMAIN = 'throttled.bench.test';
const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));

function dkimDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bench-mta-dkim-'));
  if (DKIM === 'rsa' || DKIM === 'dual') {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    writeFileSync(
      join(dir, `${FROM_DOMAIN}_rsa.pem`),
      key.export({ type: 'pkcs8', format: 'pem' }),
    );
  }
  if (DKIM === 'ed25519' || DKIM === 'dual') {
    const key = generateKeyPairSync('ed25519').privateKey;
    writeFileSync(join(dir, `${FROM_DOMAIN}_ed.pem`), key.export({ type: 'pkcs8', format: 'pem' }));
  }
  return dir;
}

function policyFile(): string {
  const file = join(mkdtempSync(join(tmpdir(), 'bench-mta-policy-')), 'policies.yaml');
  writeFileSync(
    file,
    [
      // Built-in defaults (10 connections) for the tail; the big domains get a provider-style
      // policy with more connections, as gmail.com or outlook.com would.
      'defaults:',
      '  maxMessagesPerConnection: 1000',
      'policies:',
      '  - name: big',
      '    match: { suffixes: [.big.bench.test] }',
      `    maxConnections: ${process.env.BENCH_MTA_BIG_CONNECTIONS ?? 20}`,
      '  - name: throttled',
      `    match: { domains: [${THROTTLED_DOMAIN}] }`,
      `    messagesPerMinute: ${THROTTLE_RATE}`,
      '',
    ].join('\n'),
  );
  return file;
}

/** Delivered recipients so far, by domain class, from the mta's /metrics. */
async function delivered(metricsUrl: string): Promise<Map<string, number>> {
  const res = await fetch(metricsUrl);
  const text = await res.text();
  const byClass = new Map<string, number>();
  for (const m of text.matchAll(/^postline_mta_messages_total\{([^}]*)\} (\S+)$/gm)) {
    if (!m[1].includes('result="delivered"')) continue;
    const cls = /domain_class="([^"]*)"/.exec(m[1])?.[1] ?? 'other';
    byClass.set(cls, (byClass.get(cls) ?? 0) + Number(m[2]));
  }
  return byClass;
}

async function main(): Promise<void> {
  const sink = await startSink(await freePort());
  const ceilingCount = Math.min(N, 100_000);
  log(`ceiling: smtp-source -d -s 20, ${ceilingCount} x ${SIZE} B to smtp-sink ...`);
  const ceiling = await smtpSourceRate(sink.port, ceilingCount, SIZE, 20);
  log(`ceiling: ${round(ceiling)} msg/s`);

  const kafka = createKafka({
    brokers: infra.kafkaBrokers.split(','),
    clientId: 'bench-mta',
    logger: createLogger({ service: 'bench', level: 'warn' }),
  });
  const admin = kafka.admin();
  await admin.connect();
  const partitions = Number(process.env.POSTLINE_KAFKA_TOPIC_PARTITIONS ?? 6);
  const tiers = parseRetryTiers('1m,10m,1h,6h').map(retryTopic);
  await ensureTopics(
    admin,
    [Topics.outbound, Topics.events, ...tiers].map((topic) => ({
      topic,
      numPartitions: partitions,
      replicationFactor: 1,
    })),
  );
  // A fresh group that starts at the current end: only this run's records count.
  const group = `bench-mta-${randomUUID().slice(0, 8)}`;
  await admin.setOffsets({
    groupId: group,
    topic: Topics.outbound,
    partitions: (await admin.fetchTopicOffsets(Topics.outbound)).map((p) => ({
      partition: p.partition,
      offset: p.high,
    })),
  });
  for (const topic of tiers) {
    await admin.setOffsets({
      groupId: `${group}-retry`,
      topic,
      partitions: (await admin.fetchTopicOffsets(topic)).map((p) => ({
        partition: p.partition,
        offset: p.high,
      })),
    });
  }
  await admin.disconnect();

  const throttledCount = THROTTLE_MINUTES > 0 ? THROTTLE_RATE * THROTTLE_MINUTES + 300 : 0;
  log(
    `preloading ${N} messages of ${SIZE} B for ${DOMAINS} domains (+${throttledCount} for ${THROTTLED_DOMAIN}) ...`,
  );
  const preloadStart = Date.now();
  await preload(kafka, N, SIZE, (i) => domainOf(i, DOMAINS));
  if (throttledCount > 0) await preload(kafka, throttledCount, SIZE, () => THROTTLED_DOMAIN, N);
  log(`preloaded in ${round((Date.now() - preloadStart) / 1000, 1)} s`);

  const profileDir = join(
    process.env.POSTLINE_RUN_DIR ?? join(process.cwd(), '.run'),
    `bench-mta-profile-${Date.now()}`,
  );
  mkdirSync(profileDir, { recursive: true });
  const httpPort = await freePort();
  const mta = await startService(
    'mta',
    {
      POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
      POSTLINE_MONGO_URI: infra.mongoUri,
      POSTLINE_MTA_ROUTES: `*=127.0.0.1:${sink.port}/local`,
      POSTLINE_MTA_CONSUMER_GROUP: group,
      POSTLINE_MTA_RETRY_CONSUMER_GROUP: `${group}-retry`,
      POSTLINE_MTA_POLICY_FILE: policyFile(),
      ...(DKIM === 'off' ? {} : { POSTLINE_MTA_DKIM_KEYS_DIR: dkimDir() }),
      POSTLINE_MTA_DKIM_WORKERS: process.env.BENCH_MTA_DKIM_WORKERS ?? '1',
      POSTLINE_LOG_LEVEL: 'warn',
    },
    {
      httpPort,
      grpcPort: await freePort(),
      nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`],
    },
  );
  const pid = mta.child.pid!;
  const metricsUrl = `${mta.httpUrl}/metrics`;
  const rssSamples: number[] = [];
  let start = 0;
  let cpuStart = 0;
  let mainDone = 0;
  let cpuMain = 0;
  const throttleSeries: Array<[number, number]> = [];
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    const counts = await delivered(metricsUrl);
    const throttled = counts.get('throttled') ?? 0;
    const main = [...counts].filter(([cls]) => cls !== 'throttled').reduce((s, [, n]) => s + n, 0);
    const now = Date.now();
    if (!start && main + throttled > 0) {
      start = now;
      cpuStart = cpuSeconds(pid);
    }
    if (start) rssSamples.push(rssMb(pid));
    if (start && !mainDone && main >= N) {
      mainDone = now;
      cpuMain = cpuSeconds(pid) - cpuStart;
      log(`all ${N} delivered in ${round((now - start) / 1000, 1)} s`);
    }
    if (start && throttledCount > 0) throttleSeries.push([now - start, throttled]);
    const throttleStart = throttleSeries.find(([, n]) => n > 0)?.[0];
    const throttleDone =
      throttledCount === 0 ||
      (throttleStart !== undefined &&
        now - start >= throttleStart + THROTTLE_MINUTES * 60_000 + 1000);
    if (mainDone && throttleDone) break;
    if (start && now - start > 30 * 60_000)
      throw new Error('benchmark did not finish in 30 minutes');
  }
  const peak = peakRssMb(pid);
  await mta.stop();
  sink.stop();

  const mtaRate = N / ((mainDone - start) / 1000);
  // Throttle: messages delivered in the window [1 min, 1 min + THROTTLE_MINUTES) after the first delivery... kept simple:
  // the count over the first THROTTLE_MINUTES minutes, against rate x minutes.
  // The throttled domain's window opens at its own first delivery (its mail sits behind the main run
  // on its partition) and lasts THROTTLE_MINUTES; the policy allows rate x minutes in it.
  let throttleHold: number | undefined;
  if (throttledCount > 0) {
    const windowMs = THROTTLE_MINUTES * 60_000;
    const first = throttleSeries.find(([, n]) => n > 0);
    if (first) {
      const [t0, n0] = first;
      const end =
        throttleSeries.find(([t]) => t >= t0 + windowMs) ??
        throttleSeries[throttleSeries.length - 1];
      const windowMin = (end[0] - t0) / 60_000;
      const sent = end[1] - n0;
      throttleHold = sent / (THROTTLE_RATE * windowMin);
      log(
        `throttled domain: ${sent} delivered in ${windowMin.toFixed(2)} min from its first delivery (policy ${THROTTLE_RATE}/min)`,
      );
    }
  }
  const costs = topCosts(profileDir, 10);
  log('top self-time functions (whole run):');
  for (const c of costs) log(`  ${c.percent}%  ${c.fn}`);
  const quartile = (q: number) =>
    round(rssSamples[Math.min(rssSamples.length - 1, Math.floor(q * rssSamples.length))] ?? 0);
  const result = {
    messages: N,
    domains: DOMAINS,
    size_bytes: SIZE,
    dkim: DKIM,
    mta_rate: round(mtaRate),
    ceiling_rate: round(ceiling),
    ratio: round(mtaRate / ceiling, 3),
    cpu_s_per_1000: round((cpuMain / N) * 1000, 2),
    peak_rss_mb: round(peak),
    rss_mb_quartiles: [quartile(0.25), quartile(0.5), quartile(0.75), quartile(0.99)],
    throttle_per_min: THROTTLE_RATE,
    throttle_minutes: THROTTLE_MINUTES,
    throttle_hold_ratio: throttleHold === undefined ? null : round(throttleHold, 4),
    top_costs: costs.slice(0, 5).map((c) => `${c.percent}% ${c.fn}`),
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench mta failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
