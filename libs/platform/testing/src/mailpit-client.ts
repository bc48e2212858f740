// Reads what the Mailpit SMTP sink received, through its HTTP API.
import { infra } from './local-infra';

export interface MailpitAddress {
  Name: string;
  Address: string;
}
export interface MailpitSummary {
  ID: string;
  MessageID: string;
  Subject: string;
  To: MailpitAddress[];
  From: MailpitAddress;
}
export interface MailpitMessage extends MailpitSummary {
  Text: string;
  HTML: string;
}

export class MailpitClient {
  constructor(private readonly baseUrl = infra.mailpitUrl) {}

  /** Messages matching a Mailpit search query (e.g. `subject:"x"` or `to:domain.test`). */
  async search(
    query: string,
    limit = 5000,
  ): Promise<{ total: number; messages: MailpitSummary[] }> {
    const res = await fetch(
      `${this.baseUrl}/api/v1/search?query=${encodeURIComponent(query)}&limit=${limit}`,
    );
    if (!res.ok) throw new Error(`Mailpit search failed: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { messages_count: number; messages: MailpitSummary[] };
    return { total: body.messages_count, messages: body.messages };
  }

  async message(id: string): Promise<MailpitMessage> {
    const res = await fetch(`${this.baseUrl}/api/v1/message/${id}`);
    if (!res.ok) throw new Error(`Mailpit message ${id}: ${res.status}`);
    return (await res.json()) as MailpitMessage;
  }

  async raw(id: string): Promise<string> {
    const res = await fetch(`${this.baseUrl}/api/v1/message/${id}/raw`);
    if (!res.ok) throw new Error(`Mailpit raw ${id}: ${res.status}`);
    return res.text();
  }
}
