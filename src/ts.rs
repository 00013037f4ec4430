//! The TypeScript declarations of every value the WebAssembly hands to JavaScript or
//! takes from it, emitted into `pkg/pending_core.d.ts` by the bindings. They live here,
//! outside the WebAssembly-only bindings, so that a native test (`ts::tests`) checks each
//! interface's fields against what the Rust types serialize.

/// The client's configuration, errors, API items, counts, snapshots, pages, progress, rows and queries.
pub const TYPES: &str = r#"
/** A client's options (the settings give `apiKey`, `baseUrl`, `accountId`; the test-only
 * `testClientConfig` value the pacing numbers). Only `apiKey` is required. */
export interface ClientConfig {
  apiKey: string;
  /** Default `https://api.connectsafely.ai/linkedin`; `http://` only for localhost. */
  baseUrl?: string;
  /** 24-hex LinkedIn account id; the API's default account when absent. */
  accountId?: string;
  /** At most this many requests per `windowMs` (default 60 per 60 000 ms). */
  maxRequests?: number;
  windowMs?: number;
  /** Minimum spacing between requests (default 250 ms). */
  minIntervalMs?: number;
  /** Per-request timeout (default 20 000 ms). */
  timeoutMs?: number;
  maxRetries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  rateLimitMarginMs?: number;
  defaultRateLimitWaitMs?: number;
  maxRateLimitWaitMs?: number;
  maxPages?: number;
}
/** How every failure reaches JavaScript. `kind` is one of: invalid_input, network,
 * timeout, cancelled, unauthorized, forbidden, no_account, bad_request, server, http,
 * api, unavailable (LinkedIn returned nothing for now), rate_limited, decode, pagination. */
export interface ApiError { kind: string; status?: number; message: string; retryAt?: number; }
export interface Profile { firstName?: string; lastName?: string; headline?: string; profileUrl?: string; publicIdentifier?: string; }
export interface SentInvitation { invitationId: string; invitationUrn?: string; memberId?: string; memberUrn?: string; sentAt?: string; message?: string; profile: Profile; ageSecs?: number; }
export type Category = "CONNECTION" | "ORGANIZATION" | "NEWSLETTER" | "EVENT" | "MEMBER_FOLLOW" | string;
export interface ReceivedInvitation { invitationId: string; invitationUrn?: string; memberId?: string; memberUrn?: string; invitationCategory: Category; linkedInInvitationType?: string; validationToken?: string; receivedAt?: string; companyName?: string; newsletterName?: string; customMessage?: string; message?: string; profile: Profile; ageSecs?: number; }
export interface Connection { firstName?: string; lastName?: string; vanityName?: string; headline?: string; connectedDate?: string; profileUrl?: string; ageSecs?: number; }
export interface Account { id: string; firstName?: string; lastName?: string; publicId?: string; picture?: string; status?: string; enabled?: boolean; apiSeatAllocated?: boolean;
  /** Set when the account is not ready: disabled, no_seat, warmup, error, unknown, in_use or other. */
  attention?: string;
  /** Whether the account can serve API calls (not disabled, has a seat, not in ERROR). */
  usable: boolean; }
export interface Counts { sent: number; received: number; receivedByCategory: Record<string, number>; }
export interface Cost { requests: number; pages: number; retries: number; durationMs: number; }
/** Items the API sent that could not be read: how many, and the first few reasons with their JSON paths. */
export interface Skips { count: number; reasons: string[]; }
export interface Snapshot { takenAtMs: number; accountId?: string; skipped: { sent: Skips; received: Skips }; counts: Counts; sent: SentInvitation[]; received: ReceivedInvitation[]; connectionCount?: number; sentTakenAtMs: number; cost: Cost; }
/** One page of new items; `done` is true when no page follows (the paginator's stop rule). */
export interface Page<T> { items: T[]; startIndex: number; nextStartIndex: number; done: boolean; accountId?: string; }
export interface Progress { list: "sent" | "received" | "connections"; pages: number; items: number; receivedCounts?: Counts; }
/** A list row as the popup renders it; `url` is present only for a safe linkedin.com link. */
export interface Row { id: string; name: string; url?: string; headline?: string; time?: string; ageSecs?: number; category?: string; company?: string; newsletter?: string; message?: string; actionable: boolean; }
export interface ViewQuery { search?: string; category?: string; olderThanWeeks?: number; bucket?: AgeBucket; order?: "server" | "newest" | "oldest"; }
export type AgeBucket = "this_week" | "one_to_two_weeks" | "two_to_four_weeks" | "one_to_three_months" | "older";
export interface AgeChart { bars: { bucket: AgeBucket; label: string; count: number }[]; unknown: number; }
"#;

/// The popup's held lists and stored first screen.
pub const VIEW_TYPES: &str = r#"
export type ListName = "sent" | "received" | "connections";
/** A snapshot without its lists: what the popup shows above them. */
export interface SnapshotSummary { takenAtMs: number; accountId?: string; skipped: { sent: Skips; received: Skips }; counts: Counts; connectionCount?: number; }
/** What the popup stores under `firstScreen`: the summary and the first rows of the Sent list as it opens. */
export interface StoredFirstScreen { schema: number; account: string; summary: SnapshotSummary; rows: Row[]; }
/** `firstScreen`: absent to leave the stored one, an object to store, `null` to remove it. */
export interface LoadedSnapshot { summary: SnapshotSummary | null; firstScreen?: StoredFirstScreen | null; }
"#;

/// What `storage.local` holds.
pub const STORE_TYPES: &str = r#"
/** A snapshot as stored: `schema` and the `account` tag of the settings it was fetched with. */
export type StoredSnapshot = Snapshot & { schema: number; account: string; };
export interface Settings { schema: number; apiKey: string; accountId: string; baseUrl: string; refreshMinutes: number; badgeCategories: string[]; sentMaxAgeMinutes: number; sentRefreshesPerDay: number; actionGapMs: number; withdrawCap: number; respondCap: number; alertCategories: string[]; }
export interface Status { schema: number; state: "syncing" | "ok" | "error"; at?: number; startedAt?: number; reason?: string; scope?: "received" | "all"; progress?: Progress; error?: ApiError; }
export interface KeyDestination { baseUrl: string; origin: string; host: string; official: boolean; permission?: string; }
"#;

/// The background controller's host object and badge.
pub const APP_TYPES: &str = r#"
/** What the background's controller needs of the browser (see `app::Host`). */
export interface AppHost {
  /** `storage.local.get(keys)`. */
  load(keys: string[]): Promise<Record<string, unknown>>;
  /** `storage.local.set(entries)`. */
  save(entries: Record<string, unknown>): Promise<void>;
  /** `storage.local.remove(keys)`. */
  remove(keys: string[]): Promise<void>;
  /** Draws the toolbar badge (the host words the title). */
  badge(badge: Badge): void;
  /** `permissions.contains({origins: [pattern]})`. */
  permissionGranted(pattern: string): Promise<boolean>;
  /** The manifest's API origins. */
  origins(): string[];
  /** Makes sure the refresh alarm fires every `minutes`. */
  schedule(minutes: number): Promise<void>;
  /** Keeps the worker alive while a sync runs. */
  keepAlive(on: boolean): void;
  /** Shows the new-invitations notification (opt-in). */
  notify(alert: Alert): void;
}
export interface Alert { items: { invitationId: string; name: string; category: string }[]; title: string; message: string; text: string; }
export interface Badge { text: string; color: string; error?: ApiError; blocking: boolean; }
"#;

/// The status as a page shows it.
pub const STATUS_VIEW: &str = r#"
export interface RunProgress { state: RunState; handled: number; total: number; text: string; current?: string; kind?: "withdraw" | "accept" | "ignore"; heldUntilMs?: number; pacedUntilMs?: number; }
export type RunState = "idle" | "running" | "stopped" | "finished";
export interface Stop { reason: "user" | "cap" | "unauthorized" | "forbidden" | "rate_limited" | "account_changed" | "repeated_failures"; cap?: string; untilMs?: number; message?: string; }
export interface Named { name: string; invitationId: string; reason: string; }
export interface Summary { state: RunState; total: number; done: number; alreadyGone: number; failed: number; unknown: number; notSent: number; stop?: Stop; failures: Named[]; unknowns: Named[]; gone: Named[]; text: string; }
/** The action run as the popup shows it (`actionsView`). */
export interface ActionsView { state: RunState; progress: RunProgress; summary: Summary; }
export interface StatusView { state: "idle" | "syncing" | "ok" | "error"; progress?: { list: ListName; pages: number; items: number }; error?: ApiError; blocking: boolean; }
"#;

#[cfg(test)]
mod tests;
