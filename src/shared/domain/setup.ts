/** The first-run checklist (issue 15 item 10): what has to be set before the first upload, and whether it is. */
export const SETUP_ITEMS = ['timezone', 'country', 'conversions', 'consent'] as const;
export type SetupItemId = (typeof SETUP_ITEMS)[number];

export interface SetupItem {
  id: SetupItemId;
  done: boolean;
  /** The current value in words ("America/New_York", "purchase → Google “Store sale”, Meta Purchase"). */
  detail: string;
}

export interface SetupStatus {
  items: SetupItem[];
  /** Events stored: the checklist is the empty app's screen. */
  events: number;
}

export const TEMPLATE_KINDS = ['google-click', 'google-leads', 'meta'] as const;
export type TemplateKind = (typeof TEMPLATE_KINDS)[number];
