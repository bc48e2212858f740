// The pages a person sees at an unsubscribe link: a confirmation form (GET
// never unsubscribes, because mail scanners and link previews fetch every URL
// in a message), the result after pressing the button, and an error page. No
// personal data is shown: whoever holds the link sees only that it works.
import type { OneClickStatus } from './one-click.service';

/** Headers for every page: never cached, never framed, the token never leaked by Referer. */
export const PAGE_HEADERS: Record<string, string> = {
  'Content-Type': 'text/html; charset=utf-8',
  'Cache-Control': 'no-store',
  'Referrer-Policy': 'no-referrer',
  'X-Content-Type-Options': 'nosniff',
  'Content-Security-Policy': "default-src 'none'; form-action 'self'; frame-ancestors 'none'",
};

/** A bare page: no scripts, styles or personal data; `body` is trusted HTML of ours. */
export function page(title: string, body: string): string {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<meta name="robots" content="noindex"><title>${title}</title></head>`,
    `<body><main><h1>${title}</h1>${body}</main></body>`,
    '</html>',
    '',
  ].join('\n');
}

/** The confirmation form; it posts the RFC 8058 body to this same URL. */
export function confirmationPage(): string {
  return page(
    'Unsubscribe',
    '<p>Press the button to stop receiving these emails.</p>' +
      '<form method="post" action="" enctype="application/x-www-form-urlencoded">' +
      '<input type="hidden" name="List-Unsubscribe" value="One-Click">' +
      '<button type="submit">Unsubscribe</button></form>',
  );
}

export function resultPage(status: OneClickStatus): string {
  const text =
    status === 'unsubscribed'
      ? 'You have been unsubscribed and will not receive these emails any more.'
      : 'You are not subscribed; you will not receive these emails.';
  return page('Unsubscribed', `<p>${text}</p>`);
}

export function errorPage(): string {
  return page(
    'Link not valid',
    '<p>This unsubscribe link is not valid. Please use the link from the most recent email.</p>',
  );
}
