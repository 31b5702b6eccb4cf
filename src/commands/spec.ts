// What one coordinator command is made of (issue 10: one file per command behind a registry,
// src/commands/registry.ts). A command's file says how it is written (keywords, the shape of
// its argument, its canonical form), what it asks of the rules (its product-track event),
// and what the coordinator is told when it was applied, in Japanese and English. Its
// refusals are codes of the catalogue (src/domain/refusals.ts), never text. The mail form
// itself (keyword lines, continuation, the case) is read by parse.ts for every command.
import type { CommandError } from '../domain/refusals.ts';
import type { ProductCase, ProductDecision, ProductEvent } from '../rules/product.ts';
import type { Vendor } from '../store/vendors.ts';
import type { OperatorRef, WebsiteCase, WebsiteEvent } from '../rules/website-state.ts';

export type Lang = 'ja' | 'en';

/** How a keyword's argument is read (parse.ts `build`). */
export type ArgShape = 'none' | 'optional-text' | 'text' | 'note' | 'vendor' | 'vendors' | 'date' | 'stop' | 'decision' | 'relay' | 'hold' | 'redact' | 'operator' | 'partner' | 'vulnerability' | 'split' | 'cve';

/** What the confirmation says beyond the command itself, from the snapshot before and the decisions taken. */
export interface AppliedDetails {
  /** set-date: the date before (null: there was none). */
  previousDate?: string | null;
  /** notify-vendors: the vendors sent their first notification now. */
  notified?: string[];
  /** notify-vendors: the silent vendors sent the notification again (起算日 and reminders unchanged). */
  notifiedAgain?: string[];
  /** accept: the report was already accepted; nothing changed. */
  unchanged?: boolean;
  /**
   * add-vulnerability / split-vulnerability: the number given to the new vulnerability, its
   * score (`9.8 CRITICAL`), whether the report's implicit vulnerability 1 was stored first,
   * and why the report's CVSS text of vulnerability 1 was then left out (it does not score).
   */
  vulnerability?: { number: number; score?: string; materialised?: boolean; dropped?: string };
  /** set-cve: the CVE id before (null: none). */
  previousCve?: string | null;
}

/** The rules' event for a command, or why it cannot be applied. */
export type EventOf = ProductEvent | CommandError;

/**
 * What a website-track command needs from the registry, read by the caller beforehand
 * (the rules and the command files are pure): the operators registry's entries by id, and
 * the key pinned now for the case's confirmed operator (null: none usable).
 */
export interface WebsiteLookups {
  operator: (id: string) => OperatorRef | null;
  pinnedKey: string | null;
}

/**
 * What a product-track command may need beyond the snapshot, read by the caller beforehand
 * (X-PRIORITY-NOTICE: the configured priority-notice contacts with a usable key now, and
 * whether the case's reporter can be told, encrypted). Absent: nothing usable (fail closed).
 */
export interface ProductLookups {
  priorityContacts: number;
  reporter: 'none' | 'reachable' | 'no-key';
  /** Whether a priority notice to the reporter of the case was actually sent (not only queued). */
  reporterNoticeSent: boolean;
}

/** The website rules' event for a command (src/rules/website.ts), or why it cannot be applied. */
export type WebsiteEventOf = WebsiteEvent | CommandError;

export interface CommandSpec<C extends { kind: string }> {
  kind: C['kind'];
  /**
   * Keywords, folded (NFKC, lower case) and without `X-`: the canonical one first (it is the
   * CLI verb too), then other spellings, the Japanese one where there is one.
   */
  keywords: readonly string[];
  arg: ArgShape;
  /**
   * For the free-text shapes (`optional-text`, `text`, `note`): the command for the text as
   * read (trimmed, within its limit; null when absent and optional).
   */
  fromText?: (text: string | null) => C;
  /** The canonical mail form (`X-STOP: duplicate VR-2026-0007 same root cause`); parse.ts reads it back to `c`. */
  format: (c: C) => string;
  /** The confirmation's sentence once applied; free text in `c` is shown through `clean` (outbound/neutralise.ts). */
  effect: (c: C, details: AppliedDetails, lang: Lang, clean: (s: string) => string) => string;
  /** The rules' event (src/rules/product.ts), or a refusal; null: not a rules event (a held notice). */
  toEvent: (c: C, snapshot: ProductCase, vendors: ReadonlyMap<string, Vendor>, lookups?: ProductLookups) => EventOf | null;
  /**
   * The website rules' event (issue 11: the same commands decide website cases). Absent: the
   * command has no meaning on a website case (vendors, publication), refused `website-case`.
   */
  toWebsiteEvent?: (c: C, snapshot: WebsiteCase, lookups: WebsiteLookups) => WebsiteEventOf;
  /** What the confirmation needs beyond the command (accept, set-date, notify-vendors). */
  details?: (c: C, before: ProductCase, decisions: readonly ProductDecision[]) => AppliedDetails;
  /** Examples in canonical form, for the registry test (format ∘ parse round trip). */
  samples: readonly C[];
}
