// The coordinator commands, one file each (issue 10). To add a command: write
// src/commands/<name>.ts (its type, keywords, argument shape, canonical form, effect texts,
// rules event, samples) and add it here, to `Command` and `COMMANDS`; test/commands/
// registry.test.ts then checks its keywords, texts and round trip (docs/commands.md "How to
// add a command"). A new argument shape also needs its reader in parse.ts `build`.
import { accept, type AcceptCommand } from './accept.ts';
import { addVendor, type AddVendorCommand } from './add-vendor.ts';
import { addVulnerability, type AddVulnerabilityCommand } from './add-vulnerability.ts';
import { confirmOperator, type ConfirmOperatorCommand } from './confirm-operator.ts';
import { committeeDecision, type CommitteeDecisionCommand } from './committee-decision.ts';
import { directContact, type DirectContactCommand } from './direct-contact.ts';
import { handover, type HandoverCommand } from './handover.ts';
import { markReachable, type MarkReachableCommand } from './mark-reachable.ts';
import { markUnreachable, type MarkUnreachableCommand } from './mark-unreachable.ts';
import { note, type NoteCommand } from './note.ts';
import { notifyOperator, type NotifyOperatorCommand } from './notify-operator.ts';
import { notifyVendors, type NotifyVendorsCommand } from './notify-vendors.ts';
import { openImpossible, type OpenImpossibleCommand } from './open-impossible.ts';
import { priorityConsent, type PriorityConsentCommand } from './priority-consent.ts';
import { priorityNotice, type PriorityNoticeCommand } from './priority-notice.ts';
import { publish, type PublishCommand } from './publish.ts';
import { redact, type RedactCommand } from './redact.ts';
import { reject, type RejectCommand } from './reject.ts';
import { relay, type RelayCommand } from './relay.ts';
import { release, type ReleaseCommand } from './release.ts';
import { removeVendor, type RemoveVendorCommand } from './remove-vendor.ts';
import { setCve, type SetCveCommand } from './set-cve.ts';
import { setDate, type SetDateCommand } from './set-date.ts';
import { splitVulnerability, type SplitVulnerabilityCommand } from './split-vulnerability.ts';
import type { CommandSpec } from './spec.ts';
import { stop, type StopCommand } from './stop.ts';

/**
 * One coordinator command. Free text (`reason`, `text`, `comment`) is kept as written
 * (trimmed; continuation lines joined with LF); identifiers are normalised (case ids
 * `VR-2026-0042`, vendor ids lower case, dates `YYYY-MM-DD`).
 */
export type Command =
  | AcceptCommand
  | RejectCommand
  | StopCommand
  | AddVendorCommand
  | RemoveVendorCommand
  | SetDateCommand
  | MarkUnreachableCommand
  | MarkReachableCommand
  | OpenImpossibleCommand
  | CommitteeDecisionCommand
  | PublishCommand
  | NoteCommand
  | NotifyVendorsCommand
  | DirectContactCommand
  | RelayCommand
  | ReleaseCommand
  | RedactCommand
  | ConfirmOperatorCommand
  | NotifyOperatorCommand
  | HandoverCommand
  | AddVulnerabilityCommand
  | SplitVulnerabilityCommand
  | SetCveCommand
  | PriorityConsentCommand
  | PriorityNoticeCommand;

export type CommandKind = Command['kind'];

/** Every command by kind; the order is the one listed to coordinators. */
export const COMMANDS: { readonly [K in CommandKind]: CommandSpec<Extract<Command, { kind: K }>> } = {
  accept,
  reject,
  stop,
  'add-vendor': addVendor,
  'remove-vendor': removeVendor,
  'set-date': setDate,
  'mark-unreachable': markUnreachable,
  'mark-reachable': markReachable,
  'open-impossible': openImpossible,
  'committee-decision': committeeDecision,
  publish,
  note,
  'notify-vendors': notifyVendors,
  'direct-contact': directContact,
  relay,
  release,
  redact,
  'confirm-operator': confirmOperator,
  'notify-operator': notifyOperator,
  'add-vulnerability': addVulnerability,
  'split-vulnerability': splitVulnerability,
  'set-cve': setCve,
  handover,
  'priority-consent': priorityConsent,
  'priority-notice': priorityNotice,
};

export const COMMAND_KINDS = Object.keys(COMMANDS) as CommandKind[];

/** The spec of `c`'s kind, typed for `c`. */
export function specOf<C extends Command>(c: C): CommandSpec<C> {
  return COMMANDS[c.kind] as unknown as CommandSpec<C>;
}

/** Keyword (folded, without `X-`) → its command; built once, a keyword given twice is a programming error. */
export const KEYWORD_INDEX: ReadonlyMap<string, CommandKind> = (() => {
  const index = new Map<string, CommandKind>();
  for (const kind of COMMAND_KINDS) {
    for (const k of COMMANDS[kind].keywords) {
      if (index.has(k) || k === 'case') throw new Error(`command keyword "${k}" is given twice`);
      index.set(k, kind);
    }
  }
  return index;
})();
