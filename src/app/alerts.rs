//! Alerts for new received invitations: which items a refresh should notify about,
//! and which of their names the one notification shows.
//!
//! Opt-in per category, off by default. A refresh notifies about received invitations
//! that were not in the previous received list, one notification per refresh (the
//! background words it from `extension/_locales`: "3 new invitations", "Ana Müller, …").
//! There is no previous list to compare with on the first sync or after an account
//! change, so those never notify.

use crate::api::models::ReceivedInvitation;
use crate::store::AlertSettings;
use serde::Serialize;
use tsify::Tsify;

/// The most characters the names of one notification take together, with their
/// separators (`", "`) and the room kept for the words that say more follow.
pub const MAX_ALERT_CHARS: usize = 100;
/// The room kept after the names for the words that say more follow ("and more").
pub const MORE_CHARS: usize = 16;
/// The room an invitation without a name takes (the pages word it: "someone").
pub const UNNAMED_CHARS: usize = 12;

/// One invitation of an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AlertItem {
    /// The invitation.
    pub invitation_id: String,
    /// Who (or which page) sent it; `""` when the API names no one.
    pub name: String,
    /// Its category (API spelling).
    pub category: String,
}

/// The one notification of a refresh: how many, and the names it shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct Alert {
    /// The new invitations, in list order.
    pub items: Vec<AlertItem>,
    /// How many new invitations (`items.length`).
    pub count: u32,
    /// The names to show, in list order, clipped to [`MAX_ALERT_CHARS`] together
    /// (joined with `", "`); `""` for an invitation without a name.
    pub names: Vec<String>,
    /// Whether more invitations follow the names shown.
    pub more: bool,
}

fn name_of(item: &ReceivedInvitation) -> String {
    let full = item.profile.full_name();
    if !full.trim().is_empty() {
        return full.trim().to_string();
    }
    [item.newsletter_name.as_deref(), item.company_name.as_deref()]
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or_default()
        .to_string()
}

/// The alert for a refresh, or `None` when there is nothing to notify about.
///
/// `previous_ids` are the received invitation ids of the previous snapshot, `None`
/// when there is none (first sync); `account_changed` is set when the previous
/// snapshot belonged to other settings. Either way nothing notifies.
pub fn new_received_alert<'a>(
    previous_ids: Option<impl IntoIterator<Item = &'a str>>,
    received: &[ReceivedInvitation],
    settings: &AlertSettings,
    account_changed: bool,
) -> Option<Alert> {
    if account_changed || settings.categories.is_empty() {
        return None;
    }
    // Sorted vectors searched by bisection.
    let mut previous: Vec<&str> = previous_ids?.into_iter().collect();
    previous.sort_unstable();
    let mut seen: Vec<&str> = Vec::new();
    let items: Vec<AlertItem> = received
        .iter()
        .filter(|i| previous.binary_search(&i.invitation_id.as_str()).is_err() && settings.wants(&i.invitation_category))
        .filter(|i| match seen.binary_search(&i.invitation_id.as_str()) {
            Ok(_) => false,
            Err(at) => {
                seen.insert(at, i.invitation_id.as_str());
                true
            }
        })
        .map(|i| AlertItem {
            invitation_id: i.invitation_id.clone(),
            name: name_of(i),
            category: i.invitation_category.as_str().to_string(),
        })
        .collect();
    if items.is_empty() {
        return None;
    }
    let (names, more) = clip_names(items.iter().map(|i| i.name.as_str()), MAX_ALERT_CHARS);
    Some(Alert { count: u32::try_from(items.len()).unwrap_or(u32::MAX), items, names, more })
}

/// The names that fit `max` characters joined with `", "`, keeping [`MORE_CHARS`] for
/// the words that say more follow, when more do; and whether more do. The first name is
/// always there (itself clipped, ending in `…`, if it is too long). A name `""` takes
/// [`UNNAMED_CHARS`].
fn clip_names<'a>(names: impl Iterator<Item = &'a str>, max: usize) -> (Vec<String>, bool) {
    let names: Vec<&str> = names.collect();
    let mut out = Vec::new();
    let mut used = 0;
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { 0 } else { 2 };
        let more = i + 1 < names.len();
        let reserve = if more { MORE_CHARS } else { 0 };
        let len = if name.is_empty() { UNNAMED_CHARS } else { name.chars().count() };
        if used + sep + len + reserve > max {
            if i > 0 {
                return (out, true);
            }
            let room = max.saturating_sub(reserve + 1).max(1);
            let mut clipped: String = name.chars().take(room).collect();
            clipped.push('…');
            out.push(clipped);
            return (out, more);
        }
        used += sep + len;
        out.push((*name).to_string());
    }
    (out, false)
}


#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{from_value, json};

    fn item(id: &str, first: &str, last: &str, category: &str) -> ReceivedInvitation {
        from_value(json!({"invitationId": id, "invitationCategory": category, "profile": {"firstName": first, "lastName": last}}))
            .unwrap()
    }

    fn all() -> AlertSettings {
        AlertSettings::read(&json!({"alertCategories": ["CONNECTION", "organization", 5]}))
    }

    /// What the background words: the count, the names and whether more follow.
    fn said(alert: &Alert) -> (u32, Vec<&str>, bool) {
        (alert.count, alert.names.iter().map(String::as_str).collect(), alert.more)
    }

    /// The names as a notification joins them, with the room kept for "and more".
    fn length(alert: &Alert) -> usize {
        let names: usize = alert.names.iter().map(|n| if n.is_empty() { UNNAMED_CHARS } else { n.chars().count() }).sum();
        names + 2 * alert.names.len().saturating_sub(1) + if alert.more { MORE_CHARS } else { 0 }
    }

    #[test]
    fn notifies_about_new_items_only() {
        let before = [item("1", "Ana", "Müller", "CONNECTION"), item("2", "Ben", "Brown", "CONNECTION")];
        let prev: Vec<&str> = before.iter().map(|i| i.invitation_id.as_str()).collect();
        let now = [
            item("3", "Chloé", "Castillo", "CONNECTION"),
            item("1", "Ana", "Müller", "CONNECTION"),
            item("4", "Dmitri", "Dubois", "ORGANIZATION"),
            item("5", "Elif", "Eriksen", "NEWSLETTER"),
        ];
        let alert = new_received_alert(Some(prev.iter().copied()), &now, &all(), false).unwrap();
        let ids: Vec<&str> = alert.items.iter().map(|i| i.invitation_id.as_str()).collect();
        assert_eq!(ids, ["3", "4"], "not the old one, not the category left out");
        assert_eq!(said(&alert), (2, vec!["Chloé Castillo", "Dmitri Dubois"], false));
        // Nothing new: no alert.
        assert_eq!(new_received_alert(Some(["3", "1", "4", "5"]), &now, &all(), false), None);
        let one = new_received_alert(Some(["1"]), &now[..2], &all(), false).unwrap();
        assert_eq!(said(&one), (1, vec!["Chloé Castillo"], false));
        // An id the API lists twice notifies once; categories read sorted, each once.
        let twice = [item("3", "Chloé", "Castillo", "CONNECTION"), item("3", "Chloé", "Castillo", "CONNECTION")];
        assert_eq!(said(&new_received_alert(Some(["1"]), &twice, &all(), false).unwrap()), (1, vec!["Chloé Castillo"], false));
        let read = AlertSettings::read(&json!({"alertCategories": ["newsletter", " CONNECTION ", "connection"]}));
        assert_eq!(read.categories, ["CONNECTION", "NEWSLETTER"]);
        // As the background reads it: numbers, names and a flag, no words.
        let v = serde_json::to_value(&one).unwrap();
        assert_eq!(
            v,
            json!({"items": [{"invitationId": "3", "name": "Chloé Castillo", "category": "CONNECTION"}], "count": 1,
                   "names": ["Chloé Castillo"], "more": false})
        );
    }

    #[test]
    fn none_on_first_sync_account_change_or_when_off() {
        let now = [item("3", "Chloé", "Castillo", "CONNECTION")];
        assert_eq!(new_received_alert(None::<[&str; 0]>, &now, &all(), false), None, "first sync");
        assert_eq!(new_received_alert(Some(["1"]), &now, &all(), true), None, "account change");
        assert_eq!(new_received_alert(Some(["1"]), &now, &AlertSettings::default(), false), None, "off by default");
        assert_eq!(AlertSettings::read(&json!({"alertCategories": "CONNECTION"})), AlertSettings::default());
    }

    #[test]
    fn the_names_are_clipped() {
        let many: Vec<ReceivedInvitation> =
            (0..30).map(|i| item(&i.to_string(), "Maximilian", &format!("Grünewald-Schmidt {i}"), "CONNECTION")).collect();
        let alert = new_received_alert(Some(["x"]), &many, &all(), false).unwrap();
        assert_eq!((alert.items.len(), alert.count), (30, 30));
        assert!(length(&alert) <= MAX_ALERT_CHARS, "{alert:?}");
        assert_eq!(alert.names[..2], ["Maximilian Grünewald-Schmidt 0", "Maximilian Grünewald-Schmidt 1"]);
        assert!(alert.more && alert.names.len() < 30);
        let long = [item("1", &"W".repeat(500), "X", "CONNECTION"), item("2", "Ana", "B", "CONNECTION")];
        let alert = new_received_alert(Some(["x"]), &long, &all(), false).unwrap();
        assert!(length(&alert) <= MAX_ALERT_CHARS, "{} {alert:?}", length(&alert));
        assert_eq!(alert.names.len(), 1);
        assert!(alert.names[0].starts_with("WWW") && alert.names[0].ends_with('…') && alert.more);
        // The last name needs no room for "and more".
        let fits = [item("1", &"W".repeat(60), "X", "CONNECTION"), item("2", &"V".repeat(30), "Y", "CONNECTION")];
        let alert = new_received_alert(Some(["x"]), &fits, &all(), false).unwrap();
        assert_eq!((alert.names.len(), alert.more, length(&alert)), (2, false, 96));
        // An organization invitation without a person is named by its page; one without
        // any name is "" (the background words it).
        let org: ReceivedInvitation =
            from_value(json!({"invitationId": "9", "invitationCategory": "ORGANIZATION", "companyName": "Northwind"})).unwrap();
        let nobody: ReceivedInvitation = from_value(json!({"invitationId": "8", "invitationCategory": "CONNECTION"})).unwrap();
        assert_eq!(said(&new_received_alert(Some(["x"]), &[org, nobody], &all(), false).unwrap()), (2, vec!["Northwind", ""], false));
    }
}
