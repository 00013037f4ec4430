// Types for `make typecheck` only (tsconfig.json): what the extension's scripts share
// through globals, which no declaration file describes. Outside extension/, so that it
// is not shipped (scripts/build-ext.mjs copies all of extension/). The Rust types come
// from pkg/pending_core.d.ts, imported in each script's JSDoc; here by `import()` only
// (a global `Request` would clash with the DOM's fetch `Request`).

type PkgRow = import('../pkg/pending_core.js').Row;
type PkgReply = import('../pkg/pending_core.js').Reply;
type PkgRequest = import('../pkg/pending_core.js').Request;

/** The extension API: Chrome's (`@types/chrome`; Firefox's `browser` has the same shape
 * for what the scripts use), plus Firefox's sidebar, which Chrome does not have. */
type ExtensionApi = typeof chrome & {
  sidebarAction?: { open(): Promise<void> };
};

/** The `type` of the `Reply` the background answers each `Request` with (besides
 * `error`, which `send` throws): src/app/controller.rs `App::handle`. */
interface ReplyTypes {
  refresh: 'done';
  connections: 'page';
  test: 'accounts';
  testTrap: 'armed';
  act: 'started';
  stopActions: 'done';
  allowance: 'allowance';
}
/** The reply to a request `Q`. */
type ReplyTo<Q extends PkgRequest> = Extract<PkgReply, { type: ReplyTypes[Q['type']] }>;

/** How rows.js draws a row of the current tab (popup.js rowOptions). */
interface RowOptions {
  tab: string; count: number; height: number; active: number; chips: boolean;
  /** The age as worded already (the first paint's copy); else rows.js words it. */
  time?: string;
}
/** A row element, with the key of what it shows (rows.js rowKey). */
type RowElement = HTMLLIElement & { rowKey?: string };
/** The copy of the first screen rows.js paints before the popup's module runs. */
interface FirstPaint {
  counts: { sent: number; received?: number };
  /** The tabs' counts as the popup wrote them ("1,230 so far" while a first sync reads the list). */
  labels?: { sent: string; received: string };
  /** Each row's age as the popup worded it (null: none). */
  times?: (string | null)[];
  rows: PkgRow[];
}

/** What rows.js (a classic script) gives the popup and the options page. */
interface PendingRows {
  rowElement(row: PkgRow, pos: number, options: RowOptions): RowElement;
  rowKey(row: PkgRow, pos: number, options: RowOptions): string;
  setActive(li: HTMLElement, on: boolean): void;
  /** A row's age in words ("first seen 19 days ago", else the API's time text). */
  age(row: PkgRow): string | undefined;
  keepFirstPaint(first: FirstPaint | null): void;
  forgetFirstPaint(): void;
  /** The rows painted before popup.js ran, by position. */
  painted: Map<number, RowElement>;
}

/** What rows.js started before popup.js loaded: the stored values the first screen
 * needs, and the compiled WebAssembly module (null when it could not compile it). */
interface PendingEarly {
  stored: Promise<{ [key: string]: any }>;
  wasm: Promise<WebAssembly.Module | null>;
}

declare var pendingRows: PendingRows;
declare var pendingEarly: PendingEarly | undefined;
