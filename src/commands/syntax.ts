// Small pieces of the command language shared by the command files and parse.ts. Pure.

export const LIMITS = {
  /** Commands in one mail. */
  commands: 50,
  /** Characters of a note. */
  note: 20_000,
  /** Characters of a relayed message (X-RELAY). */
  relay: 20_000,
  /** Characters of any other free text (reasons, comments). */
  reason: 4_000,
} as const;

/** The same rule as the vendor registry's ids (src/store/vendors.ts VENDOR_ID_RE). */
export const VENDOR_ID = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

/** Free text as an argument: further lines indented by two spaces (continuation). */
export const cont = (t: string): string => t.split('\n').join('\n  ');
