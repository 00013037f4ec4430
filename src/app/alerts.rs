//! Alerts for new received invitations: which items a refresh should notify about,
//! and the one notification's text.
//!
//! Opt-in per category, off by default. A refresh notifies about received invitations
//! that were not in the previous received list, one notification per refresh ("3 new
//! invitations: Ana Müller, …"). There is no previous list to compare with on the first
//! sync or after an account change, so those never notify.

use crate::api::models::ReceivedInvitation;
use crate::store::AlertSettings;
use serde::Serialize;
use tsify::Tsify;

/// The longest notification message, in characters.
pub const MAX_ALERT_CHARS: usize = 120;

/// One invitation of an alert.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct AlertItem {
    /// The invitation.
    pub invitation_id: String,
    /// Who (or which page) sent it.
    pub name: String,
    /// Its category (API spelling).
    pub category: String,
}

/// The one notification of a refresh.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct Alert {
    /// The new invitations, in list order.
    pub items: Vec<AlertItem>,
    /// "3 new invitations" (English; `items.length` for other languages).
    pub title: String,
    /// The names, clipped: "Ana Müller, Ben Brown, …".
    pub message: String,
    /// Both in one line: "3 new invitations: Ana Müller, Ben Brown, …".
    pub text: String,
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
        .map_or_else(|| "someone".to_string(), str::to_string)
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
    let title = if items.len() == 1 { "1 new invitation".to_string() } else { format!("{} new invitations", items.len()) };
    let message = clip_names(items.iter().map(|i| i.name.as_str()), MAX_ALERT_CHARS.saturating_sub(title.chars().count() + 2));
    let text = [title.as_str(), ": ", message.as_str()].concat();
    Some(Alert { items, title, message, text })
}

/// Names joined with ", " within `max` characters; "…" stands for the rest. The first
/// name is always there (itself clipped if it is longer than `max`).
fn clip_names<'a>(names: impl Iterator<Item = &'a str>, max: usize) -> String {
    let names: Vec<&str> = names.collect();
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        let sep = if i == 0 { "" } else { ", " };
        let more = i + 1 < names.len();
        // Room for this name and, if more follow, ", …".
        let need = out.chars().count() + sep.len() + name.chars().count() + if more { 3 } else { 0 };
        if need > max && i > 0 {
            out.push_str(", …");
            return out;
        }
        out.push_str(sep);
        if need > max {
            let room = max.saturating_sub(out.chars().count() + 1 + if more { 3 } else { 0 }).max(1);
            out.extend(name.chars().take(room));
            out.push('…');
            if more {
                out.push_str(", …");
            }
            return out;
        }
        out.push_str(name);
    }
    out
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
        assert_eq!(alert.text, "2 new invitations: Chloé Castillo, Dmitri Dubois");
        // Nothing new: no alert.
        assert_eq!(new_received_alert(Some(["3", "1", "4", "5"]), &now, &all(), false), None);
        let one = new_received_alert(Some(["1"]), &now[..2], &all(), false).unwrap();
        assert_eq!(one.text, "1 new invitation: Chloé Castillo");
        // An id the API lists twice notifies once; categories read sorted, each once.
        let twice = [item("3", "Chloé", "Castillo", "CONNECTION"), item("3", "Chloé", "Castillo", "CONNECTION")];
        assert_eq!(new_received_alert(Some(["1"]), &twice, &all(), false).unwrap().text, "1 new invitation: Chloé Castillo");
        let read = AlertSettings::read(&json!({"alertCategories": ["newsletter", " CONNECTION ", "connection"]}));
        assert_eq!(read.categories, ["CONNECTION", "NEWSLETTER"]);
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
    fn the_text_is_clipped() {
        let many: Vec<ReceivedInvitation> =
            (0..30).map(|i| item(&i.to_string(), "Maximilian", &format!("Grünewald-Schmidt {i}"), "CONNECTION")).collect();
        let alert = new_received_alert(Some(["x"]), &many, &all(), false).unwrap();
        assert_eq!(alert.items.len(), 30);
        assert!(alert.text.chars().count() <= MAX_ALERT_CHARS, "{}", alert.text);
        assert!(alert.text.starts_with("30 new invitations: Maximilian Grünewald-Schmidt 0, "));
        assert!(alert.text.ends_with(", …"));
        let long = [item("1", &"W".repeat(500), "X", "CONNECTION"), item("2", "Ana", "B", "CONNECTION")];
        let alert = new_received_alert(Some(["x"]), &long, &all(), false).unwrap();
        assert!(alert.text.chars().count() <= MAX_ALERT_CHARS, "{} {}", alert.text.chars().count(), alert.text);
        assert!(alert.text.ends_with("…, …"));
        // An organization invitation without a person is named by its page.
        let org: ReceivedInvitation =
            from_value(json!({"invitationId": "9", "invitationCategory": "ORGANIZATION", "companyName": "Northwind"})).unwrap();
        assert_eq!(new_received_alert(Some(["x"]), &[org], &all(), false).unwrap().message, "Northwind");
    }
}

