// The benchmark's "realistic" campaign template (issue 6): about 30 KB of HTML
// with 10 merge fields and 20 links, and the recipient data that fills it.

export const MERGE_FIELDS = [
  'first_name',
  'last_name',
  'city',
  'plan',
  'points',
  'coupon',
  'store',
  'manager',
  'renewal',
  'segment',
] as const;

function block(i: number): string {
  const field = MERGE_FIELDS[i % MERGE_FIELDS.length];
  return (
    `<tr><td class="col" style="padding:12px 24px;font-family:Helvetica,Arial,sans-serif;` +
    `font-size:15px;line-height:22px;color:#333333">` +
    `<h2 style="margin:0 0 8px 0;font-size:19px">Offer ${i + 1} for {{${field}}}</h2>` +
    `<p style="margin:0 0 12px 0">Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do ` +
    `eiusmod tempor incididunt ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis ` +
    `nostrud exercitation ullamco laboris nisi ut aliquip ex ea commodo consequat. Duis aute ` +
    `irure dolor in reprehenderit in voluptate velit esse cillum dolore eu fugiat nulla ` +
    `pariatur. Excepteur sint occaecat cupidatat non proident, sunt in culpa qui officia ` +
    `deserunt mollit anim id est laborum. Sed ut perspiciatis unde omnis iste natus error sit ` +
    `voluptatem accusantium doloremque laudantium, totam rem aperiam, eaque ipsa quae ab illo ` +
    `inventore veritatis et quasi architecto beatae vitae dicta sunt explicabo.</p>` +
    `<p style="margin:0"><a href="https://shop.sender.test/offers/${i + 1}?utm_source=mail&amp;` +
    `utm_campaign=spring" style="color:#0a66c2;text-decoration:underline">See offer ${i + 1}</a>` +
    `</p></td></tr>\n`
  );
}

export function benchTemplate(): { subject: string; html: string; text: string } {
  const head =
    '<!doctype html><html><head><meta charset="utf-8"><title>Spring sale</title>' +
    '<style>.col{padding:0 24px}@media (max-width:600px){.col{padding:0 12px}}</style></head>' +
    '<body style="margin:0;background:#f4f4f4"><table role="presentation" width="100%">\n' +
    '<tr><td><p>Hello {{first_name}} {{last_name}}, you have {{points}} points on {{plan}}.</p>' +
    '<p>Your coupon: {{coupon}} at {{store}} ({{city}}), manager {{manager}}, renews {{renewal}} ' +
    '({{segment}}).</p></td></tr>\n';
  const blocks = Array.from({ length: 20 }, (_, i) => block(i)).join('');
  const foot = '</table></body></html>';
  return {
    subject: 'Spring sale for {{first_name}}: {{points}} points waiting',
    html: head + blocks + foot,
    text: '',
  };
}

export function benchAttributes(i: number): Record<string, string> {
  return {
    first_name: `Ada${i}`,
    last_name: 'Lovelace',
    city: 'Zürich',
    plan: 'pro',
    points: String(1000 + i),
    coupon: `SPRING-${i}`,
    store: 'Bahnhofstrasse',
    manager: 'Grace',
    renewal: '2026-05-01',
    segment: 'engaged',
  };
}
