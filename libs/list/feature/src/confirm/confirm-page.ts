// The pages a person sees at a double opt-in link. GET shows a button and
// never confirms, because mail scanners and link previews fetch every URL in
// a message; pressing the button POSTs to the same URL. No personal data is
// shown: whoever holds the link sees only what it does.
import { ListErrorCode, type ListErrorCode as Code } from '@postline/list/domain';
import { page } from '../unsubscribe/unsubscribe-page';

export { PAGE_HEADERS } from '../unsubscribe/unsubscribe-page';

/** The confirmation form; it posts back to this same URL. */
export function confirmFormPage(): string {
  return page(
    'Confirm your subscription',
    '<p>Press the button to confirm that you want to receive these emails.</p>' +
      '<form method="post" action="" enctype="application/x-www-form-urlencoded">' +
      '<input type="hidden" name="confirm" value="yes">' +
      '<button type="submit">Confirm subscription</button></form>',
  );
}

export function confirmedPage(): string {
  return page('Subscription confirmed', '<p>Thank you: your subscription is confirmed.</p>');
}

const REFUSALS: Partial<Record<Code, [string, string]>> = {
  [ListErrorCode.AlreadyConfirmed]: [
    'Already confirmed',
    'Your subscription is already confirmed; there is nothing more to do.',
  ],
  [ListErrorCode.TokenExpired]: [
    'Link expired',
    'This confirmation link has expired. Please sign up again to receive a new one.',
  ],
  [ListErrorCode.TokenSuperseded]: [
    'Link replaced',
    'A newer confirmation link was sent to you. Please use the link from the most recent email.',
  ],
  [ListErrorCode.NotConfirmable]: [
    'Cannot confirm',
    'This subscription can no longer be confirmed.',
  ],
};

/** The page for a refused link or confirmation, by the refusal's code. */
export function confirmErrorPage(code: Code): string {
  const [title, text] = REFUSALS[code] ?? [
    'Link not valid',
    'This confirmation link is not valid. Please use the link from the most recent email.',
  ];
  return page(title, `<p>${text}</p>`);
}
