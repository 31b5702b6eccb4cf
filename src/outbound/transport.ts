// How a composed message leaves the desk. Two implementations: SMTP (nodemailer, in
// src/adapters/nodemailer.ts) and a Maildir outbox (maildir.ts). The raw bytes are sent
// exactly as composed; the envelope is given separately (it is never read from headers).

export type SendResult =
  | {
      ok: true;
      response: string;
      /**
       * Recipients the server refused while it accepted the others (SMTP sends when at
       * least one recipient is accepted). Absent when every recipient was accepted.
       * Retrying would duplicate the message for the accepted ones: handle these apart.
       */
      rejected?: string[];
    }
  | {
      ok: false;
      /** True when sending the same message again cannot succeed (SMTP 5xx). */
      permanent: boolean;
      response: string;
    };

export interface Envelope {
  from: string;
  to: string[];
}

export interface Transport {
  /** Sends `raw` (CRLF message bytes). Never throws for a delivery failure: see SendResult. */
  send(raw: Buffer, envelope: Envelope, messageId: string): Promise<SendResult>;
  close(): Promise<void>;
}
