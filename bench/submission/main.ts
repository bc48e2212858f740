// Entry of `npm run bench -- submission` (bench/submission/run.sh), issue 4's benchmark.
// Postfix's smtp-source sends 10 KB messages with 20 and 50 parallel sessions, once over
// reused connections (-d: message after message per session) and once with one message per
// connection, to three receivers in turn, one load after the other:
//  - smtp-sink, which accepts and discards (the loopback ceiling);
//  - a private Postfix smtpd whose every message takes the discard transport (the full queue
//    path: cleanup writes and syncs the queue file, qmgr, discard);
//  - the submission service's trusted-network port (plain SMTP without AUTH, as smtp-source
//    cannot authenticate; from the end of DATA the same durable path as 587/465: every 250 means
//    the message is on mail.outbound.v1 with acks=all).
// For the service it also takes CPU seconds per 1,000 messages (/proc/<pid>/stat before and
// after each load), peak RSS and the p50/p99 of its accept-latency histogram; for Postfix the
// CPU of all its processes; for the Kafka broker its CPU during the service's loads. Progress
// goes to stderr; the last line on stdout is one JSON object.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePorts, httpJson, infra, startService } from '@postline/platform/testing';
import { topCosts } from '../shared/cpu-profile';
import { startPostfixSmtpd, type PostfixSmtpd } from '../shared/postfix-smtpd';
import { smtpSource, startSink, type SourceLoad } from '../shared/postfix-tools';
import { cpuSeconds, peakRssMb, treeCpuSeconds } from '../shared/process-stats';
import { quantileMs, snapshot } from './service-metrics';

const SIZE = Number(process.env.BENCH_SUBMISSION_SIZE ?? 10_240);
const REUSE_MESSAGES = Number(process.env.BENCH_SUBMISSION_MESSAGES ?? 10_000);
const CONNECTION_MESSAGES = Number(process.env.BENCH_SUBMISSION_CONNECTION_MESSAGES ?? 4_000);
const SESSIONS = (process.env.BENCH_SUBMISSION_SESSIONS ?? '20,50').split(',').map(Number);
const PROFILE = process.env.BENCH_SUBMISSION_PROFILE === '1';
const LOG_LEVEL = process.env.BENCH_SUBMISSION_LOG_LEVEL ?? 'warn';
const RUN_DIR = process.env.POSTLINE_RUN_DIR ?? join(process.cwd(), '.run');
/** One smtp-source load is killed (and the benchmark fails) after this long. */
const LOAD_TIMEOUT_MS = 10 * 60_000;
const WARMUP_MESSAGES = 1000;
const MODES = ['reuse', 'per_connection'] as const;
type Mode = (typeof MODES)[number];

const log = (line: string) => process.stderr.write(`${line}\n`);
const round = (n: number, digits = 0) => Number(n.toFixed(digits));
const per1000 = (seconds: number, messages: number) => round((seconds / messages) * 1000, 2);

/** What is measured for one session count and mode. */
interface Figures {
  smtp_sink: number;
  postfix_smtpd: number;
  postfix_cpu: number;
  submission: number;
  cpu: number;
  broker_cpu?: number;
  p50: number;
  p99: number;
}

interface Receivers {
  sink: number;
  postfix: PostfixSmtpd;
  trusted: number;
  servicePid: number;
  metricsUrl: string;
  brokerPid?: number;
  domain: string;
}

/** The Kafka broker's PID from the local infrastructure's pid file, when it is there. */
function brokerPid(): number | undefined {
  try {
    return Number(readFileSync(join(RUN_DIR, 'kafka.pid'), 'utf8').trim()) || undefined;
  } catch {
    return undefined;
  }
}

/** Waits until Postfix has discarded everything its smtpd accepted (bounded). */
async function drained(postfix: PostfixSmtpd): Promise<void> {
  const deadline = Date.now() + LOAD_TIMEOUT_MS;
  while (postfix.backlog() > 0) {
    if (Date.now() > deadline) throw new Error(`Postfix queue not drained:\n${postfix.logTail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startSubmission(credential: string, profileDir: string | undefined) {
  const [smtpPort, trustedPort] = await freePorts(2);
  const service = await startService(
    'submission',
    {
      POSTLINE_KAFKA_BROKERS: infra.kafkaBrokers,
      POSTLINE_MONGO_URI: infra.mongoUri,
      POSTLINE_LOG_LEVEL: LOG_LEVEL,
      POSTLINE_SUBMISSION_SMTP_PORT: String(smtpPort),
      POSTLINE_SUBMISSION_TRUSTED_NETWORKS: '127.0.0.1/32',
      POSTLINE_SUBMISSION_TRUSTED_PORT: String(trustedPort),
      POSTLINE_SUBMISSION_TRUSTED_CREDENTIAL: credential,
      // Greeting delay and reverse DNS stay at their defaults (off); rates out of the way.
      POSTLINE_SUBMISSION_MESSAGES_PER_MINUTE: '100000000',
      POSTLINE_SUBMISSION_RECIPIENTS_PER_MINUTE: '100000000',
    },
    profileDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] } : {},
  );
  return { service, trustedPort };
}

function sourceLoad(r: Receivers, port: number, count: number, sessions: number, mode: Mode) {
  const load: SourceLoad = {
    port,
    count,
    sessions,
    size: SIZE,
    reuse: mode === 'reuse',
    from: `bench@${r.domain}`,
    to: 'rcpt@dest.bench.test',
    timeoutMs: LOAD_TIMEOUT_MS,
  };
  return smtpSource(load);
}

/** The same load to the sink, Postfix smtpd and the service, one after the other. */
async function measure(r: Receivers, sessions: number, mode: Mode): Promise<Figures> {
  const count = mode === 'reuse' ? REUSE_MESSAGES : CONNECTION_MESSAGES;
  const sink = await sourceLoad(r, r.sink, count, sessions, mode);

  const postfixBefore = r.postfix.cpuSeconds();
  const postfix = await sourceLoad(r, r.postfix.port, count, sessions, mode);
  await drained(r.postfix);
  const postfixCpu = r.postfix.cpuSeconds() - postfixBefore;

  const before = await snapshot(r.metricsUrl);
  const cpuBefore = cpuSeconds(r.servicePid);
  const brokerBefore = r.brokerPid ? treeCpuSeconds(r.brokerPid) : 0;
  const submission = await sourceLoad(r, r.trusted, count, sessions, mode);
  const cpu = cpuSeconds(r.servicePid) - cpuBefore;
  const brokerCpu = r.brokerPid ? treeCpuSeconds(r.brokerPid) - brokerBefore : undefined;
  const after = await snapshot(r.metricsUrl);
  // Every message must have been answered 250 (smtp-source itself only warns).
  if (after.accepted - before.accepted !== count)
    throw new Error(`${after.accepted - before.accepted} of ${count} accepted`);
  return {
    smtp_sink: round(sink.rate),
    postfix_smtpd: round(postfix.rate),
    postfix_cpu: per1000(postfixCpu, count),
    submission: round(submission.rate),
    cpu: per1000(cpu, count),
    ...(brokerCpu === undefined ? {} : { broker_cpu: per1000(brokerCpu, count) }),
    p50: round(quantileMs(before, after, 0.5), 1),
    p99: round(quantileMs(before, after, 0.99), 1),
  };
}

function describe(key: string, f: Figures): string {
  return (
    `${key}: submission ${f.submission}/s (${f.cpu} CPU-s/1000, accept p50 ${f.p50} ms, ` +
    `p99 ${f.p99} ms), postfix smtpd ${f.postfix_smtpd}/s (${f.postfix_cpu} CPU-s/1000), ` +
    `smtp-sink ${f.smtp_sink}/s`
  );
}

/** The JSON summary: the headline (50 sessions, reuse) at the top, every run by key below. */
function summary(byRun: Record<string, Figures>, peakRss: number, costs: string[]) {
  const head = `${SESSIONS.includes(50) ? 50 : Math.max(...SESSIONS)}_reuse`;
  const field = (pick: (f: Figures) => number | undefined) =>
    Object.fromEntries(Object.entries(byRun).map(([k, f]) => [k, pick(f)]));
  const ratios = field((f) => round(f.submission / f.postfix_smtpd, 3));
  const ceilingRatios = field((f) => round(f.submission / f.smtp_sink, 3));
  const h = byRun[head];
  return {
    size_bytes: SIZE,
    messages: { reuse: REUSE_MESSAGES, per_connection: CONNECTION_MESSAGES },
    headline: head,
    submission_rate: h.submission,
    postfix_smtpd_rate: h.postfix_smtpd,
    smtp_sink_rate: h.smtp_sink,
    ratio: ratios[head],
    ceiling_ratio: ceilingRatios[head],
    cpu_s_per_1000: h.cpu,
    peak_rss_mb: round(peakRss),
    p99_ms: h.p99,
    p99_source: 'server: postline_submission_accept_seconds (final dot to 250), linear in buckets',
    submission: field((f) => f.submission),
    postfix_smtpd: field((f) => f.postfix_smtpd),
    smtp_sink: field((f) => f.smtp_sink),
    ratios,
    ceiling_ratios: ceilingRatios,
    cpu_s_per_1000_by_run: field((f) => f.cpu),
    p50_ms_by_run: field((f) => f.p50),
    p99_ms_by_run: field((f) => f.p99),
    kafka_broker_cpu_s_per_1000_by_run: field((f) => f.broker_cpu),
    postfix_cpu_s_per_1000_by_run: field((f) => f.postfix_cpu),
    greeting_delay_ms: 0,
    reverse_lookup: false,
    service_log_level: LOG_LEVEL,
    ...(costs.length > 0 ? { top_costs: costs } : {}),
  };
}

async function run(postfix: PostfixSmtpd, sinkPort: number, profileDir?: string) {
  const id = randomUUID().slice(0, 8);
  const domain = `bench-${id}.example`;
  const credential = `bench-trusted-${id}`;
  const { service, trustedPort } = await startSubmission(credential, profileDir);
  try {
    const res = await httpJson('POST', `${service.httpUrl}/v1/credentials`, {
      username: credential,
      secret: `unused-${randomUUID()}`,
      allowedSenderDomains: [domain],
    });
    if (res.status !== 201)
      throw new Error(`credential: ${res.status} ${JSON.stringify(res.body)}`);
    const r: Receivers = {
      sink: sinkPort,
      postfix,
      trusted: trustedPort,
      servicePid: service.child.pid!,
      metricsUrl: `${service.httpUrl}/metrics`,
      brokerPid: brokerPid(),
      domain,
    };
    log(`warm-up: ${WARMUP_MESSAGES} messages to each receiver`);
    for (const port of [r.sink, postfix.port, r.trusted])
      await sourceLoad(r, port, WARMUP_MESSAGES, 20, 'reuse');
    await drained(postfix);
    const byRun: Record<string, Figures> = {};
    for (const sessions of SESSIONS)
      for (const mode of MODES) {
        const key = `${sessions}_${mode}`;
        byRun[key] = await measure(r, sessions, mode);
        log(describe(key, byRun[key]));
      }
    return { byRun, peakRss: peakRssMb(r.servicePid) };
  } finally {
    await service.stop();
  }
}

async function main(): Promise<void> {
  const [sinkPort, postfixPort] = await freePorts(2);
  const sink = await startSink(sinkPort);
  let postfix: PostfixSmtpd | undefined;
  try {
    postfix = await startPostfixSmtpd(postfixPort);
    const profileDir = PROFILE
      ? join(RUN_DIR, `bench-submission-profile-${Date.now()}`)
      : undefined;
    if (profileDir) mkdirSync(profileDir, { recursive: true });
    const { byRun, peakRss } = await run(postfix, sinkPort, profileDir);
    // The profile is written when the service exits, which run() waited for.
    const costs = profileDir ? topCosts(profileDir, 10) : [];
    if (costs.length > 0) log('submission service, top self-time functions (whole run):');
    for (const c of costs) log(`  ${c.percent}%  ${c.fn}`);
    const top = costs.slice(0, 5).map((c) => `${c.percent}% ${c.fn}`);
    process.stdout.write(`${JSON.stringify(summary(byRun, peakRss, top))}\n`);
  } finally {
    await postfix?.stop();
    sink.stop();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`bench submission failed: ${(e as Error)?.stack ?? e}\n`);
    process.exit(1);
  },
);
