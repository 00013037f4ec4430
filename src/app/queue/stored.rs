//! Reading a stored queue back: what storage holds may be an older version's, damaged
//! or edited, so each part is read on its own and a part that cannot be read is left
//! out or takes its default (see [`ActionQueue::read`](super::ActionQueue::read)).

use super::{ItemState, Ledger, QueueItem, RunState, StopReason, MAX_ITEMS, MAX_LEDGERS, QUEUE_SCHEMA};
use crate::api::actions::{stored_word, ActionKind, ActionRequest, CapKind, ItemReason};
use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::Value;

/// A count that does not fit a `u32` is its largest.
fn saturate(n: u64) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}


/// A whole number, at most `u32::MAX`; 0 for anything else.
pub(super) fn whole32_or_zero<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    crate::api::lenient::count_or_zero::<_, u64>(d).map(saturate)
}

pub(super) fn one() -> u32 {
    1
}

/// The random state: never 0 (xorshift would stay 0).
pub(super) fn rng<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    Ok(whole32_or_zero(d)?.max(1))
}

/// The schema: the number [`QUEUE_SCHEMA`] (not its text); anything else is an error.
pub(super) fn schema<'de, D: Deserializer<'de>>(d: D) -> Result<u32, D::Error> {
    match Value::deserialize(d)? {
        Value::Number(n) if n.as_f64() == Some(f64::from(QUEUE_SCHEMA)) => Ok(QUEUE_SCHEMA),
        _ => Err(de::Error::custom("another schema")),
    }
}

/// The objects of a stored list that read as `T`, in order; anything else in it is
/// left out. Not a list (or missing, or `null`) is an error.
fn stored_objects<'de, D, T>(d: D) -> Result<Vec<T>, D::Error>
where
    D: Deserializer<'de>,
    T: serde::de::DeserializeOwned,
{
    // An object only: serde would read a list as the fields in order.
    let list: Vec<Value> = Vec::deserialize(d)?;
    Ok(list.into_iter().filter(Value::is_object).filter_map(|v| crate::api::objects::read::<T>(v).ok()).collect())
}

/// The run's items: see [`stored_objects`]; at most [`MAX_ITEMS`].
pub(super) fn stored_items<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<QueueItem>, D::Error> {
    let mut items: Vec<QueueItem> = stored_objects(d)?;
    items.truncate(MAX_ITEMS);
    Ok(items)
}

/// The day's counts: see [`stored_objects`], but anything that is not a list is none;
/// at most [`MAX_LEDGERS`].
pub(super) fn stored_ledgers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Ledger>, D::Error> {
    let mut ledgers: Vec<Ledger> = match Value::deserialize(d)? {
        list @ Value::Array(_) => stored_objects(list).unwrap_or_default(),
        _ => Vec::new(),
    };
    ledgers.truncate(MAX_LEDGERS);
    Ok(ledgers)
}

/// A stop's cap: its name, or absent for another word; any other kind of value is an
/// error.
pub(super) fn cap_word<'de, D: Deserializer<'de>>(d: D) -> Result<Option<CapKind>, D::Error> {
    Ok(crate::api::lenient::text(d)?.as_deref().and_then(CapKind::parse))
}

/// A stored item before its request is read (the request's kind is the item's).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub(super) struct StoredItem {
    kind: ActionKind,
    #[serde(default, deserialize_with = "crate::api::lenient::text_or_empty")]
    name: String,
    #[serde(deserialize_with = "crate::api::lenient::required_id")]
    invitation_id: String,
    #[serde(default)]
    request: Option<Value>,
    state: ItemState,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    reason: Option<String>,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    status: Option<u16>,
    #[serde(default, deserialize_with = "crate::api::lenient::text")]
    detail: Option<String>,
    #[serde(default, deserialize_with = "whole32_or_zero")]
    attempts: u32,
    #[serde(default, deserialize_with = "whole32_or_zero")]
    rate_limits: u32,
    #[serde(default, deserialize_with = "crate::api::lenient::count")]
    at_ms: Option<u64>,
}

impl TryFrom<StoredItem> for QueueItem {
    type Error = String;

    /// The item, with its request read as its kind's; an item still to send must have
    /// one.
    fn try_from(i: StoredItem) -> Result<Self, String> {
        let request = match i.request {
            Some(r) => Some(ActionRequest::read(i.kind, r).map_err(|e| format!("request: {e}"))?),
            None => None,
        };
        if request.is_none() && !i.state.is_settled() {
            return Err("request: missing".into());
        }
        Ok(QueueItem {
            kind: i.kind,
            name: i.name,
            invitation_id: i.invitation_id,
            request,
            state: i.state,
            // A code of another version reads as none: the item is named without a reason.
            reason: i.reason.as_deref().and_then(ItemReason::parse),
            status: i.status,
            detail: i.detail,
            attempts: i.attempts,
            rate_limits: i.rate_limits,
            at_ms: i.at_ms,
        })
    }
}

/// A stored item's state, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for ItemState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, ItemState::parse)
    }
}

/// A stored run's state, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for RunState {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, RunState::parse)
    }
}

/// A stored stop's reason, read back exactly (anything else is an error).
impl<'de> Deserialize<'de> for StopReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        stored_word(d, StopReason::parse)
    }
}
