// The demo's campaign: a list of 1,000 demo subscribers on the running local
// services (deploy/local/services.sh), one personalised campaign, and a wait
// until every message is accounted for. Prints where to look in Mailpit.
import { randomBytes } from 'node:crypto';

const LIST = process.env.POSTLINE_DEMO_LIST_URL ?? 'http://127.0.0.1:38101';
const CAMPAIGN = process.env.POSTLINE_DEMO_CAMPAIGN_URL ?? 'http://127.0.0.1:38102';
const MAILPIT = process.env.POSTLINE_MAILPIT_URL ?? 'http://127.0.0.1:38025';
const SUBSCRIBERS = Number(process.env.POSTLINE_DEMO_SUBSCRIBERS ?? 1000);
const TIMEOUT_MS = 10 * 60 * 1000;

async function call<T>(method: string, url: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${url} → ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

const FIRST = [
  'Ada',
  'Grace',
  'Linus',
  'Margaret',
  'Ken',
  'Barbara',
  'Dennis',
  'Radia',
  'Vint',
  'Frances',
];

async function main(): Promise<void> {
  const run = randomBytes(3).toString('hex');
  const domain = `demo-${run}.example`;
  const list = await call<{ id: string }>('POST', `${LIST}/v1/lists`, { name: `Demo list ${run}` });
  for (let start = 0; start < SUBSCRIBERS; start += 1000) {
    const subscribers = Array.from({ length: Math.min(1000, SUBSCRIBERS - start) }, (_, k) => {
      const i = start + k;
      return {
        email: `reader${i}@${domain}`,
        name: `${FIRST[i % FIRST.length]} Reader${i}`,
        attributes: { first_name: FIRST[i % FIRST.length], member_no: i },
      };
    });
    await call('POST', `${LIST}/v1/lists/${list.id}/subscribers/bulk`, { subscribers });
  }
  console.log(`list ${list.id}: ${SUBSCRIBERS} demo subscribers at @${domain}`);

  const campaign = await call<{ id: string }>('POST', `${CAMPAIGN}/v1/campaigns`, {
    name: `Demo campaign ${run}`,
    listId: list.id,
    subject: 'Welcome aboard, {{first_name}}!',
    html: '<h1>Hello {{first_name}}</h1><p>You are member number {{member_no}}. This message was rendered just for {{email}}.</p>',
    fromAddress: 'hello@postline.example',
    fromName: 'Postline Demo',
    sendRatePerSecond: 500,
  });
  const started = Date.now();
  await call('POST', `${CAMPAIGN}/v1/campaigns/${campaign.id}/launch`);
  console.log(`campaign ${campaign.id} launched`);

  type Stats = {
    queued: number;
    delivered: number;
    bounced: number;
    deferred: number;
    status: string;
  };
  let stats: Stats = await call<Stats>('GET', `${CAMPAIGN}/v1/campaigns/${campaign.id}/stats`);
  let lastPrinted = -1;
  while (stats.delivered + stats.bounced < SUBSCRIBERS && Date.now() - started < TIMEOUT_MS) {
    if (stats.delivered !== lastPrinted)
      console.log(
        `  queued ${stats.queued}, delivered ${stats.delivered}, bounced ${stats.bounced}`,
      );
    lastPrinted = stats.delivered;
    await new Promise((r) => setTimeout(r, 1000));
    stats = await call<Stats>('GET', `${CAMPAIGN}/v1/campaigns/${campaign.id}/stats`);
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  console.log(
    `\ndelivered ${stats.delivered} of ${SUBSCRIBERS} (bounced ${stats.bounced}, deferred ${stats.deferred}) in ${seconds} s`,
  );
  console.log(
    `see them in Mailpit: ${MAILPIT}/search?q=${encodeURIComponent(`to:"${domain}"`)}  (API: ${MAILPIT}/api/v1/search?query=${encodeURIComponent(`to:"${domain}"`)})`,
  );
  console.log(`campaign stats: ${CAMPAIGN}/v1/campaigns/${campaign.id}/stats`);
  if (stats.delivered !== SUBSCRIBERS) process.exitCode = 1;
}

main().catch((e) => {
  console.error(`demo failed: ${(e as Error).message}`);
  process.exit(1);
});
