//! The age buckets of the Sent tab's chart (also a filter of the lists), and the
//! chart's counts.

use serde::Serialize;
use tsify::Tsify;

const DAY: u32 = 86_400;

/// The five age bars of the Sent tab's chart, written as [`AgeBucket::as_str`] spells
/// them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Tsify)]
#[serde(rename_all = "snake_case")]
pub enum AgeBucket {
    /// Less than 7 days.
    ThisWeek,
    /// 7 to 13 days.
    OneToTwoWeeks,
    /// 14 to 27 days.
    TwoToFourWeeks,
    /// 28 to 89 days.
    OneToThreeMonths,
    /// 90 days and more.
    Older,
}

impl AgeBucket {
    /// The five, youngest first.
    pub const ALL: [AgeBucket; 5] =
        [AgeBucket::ThisWeek, AgeBucket::OneToTwoWeeks, AgeBucket::TwoToFourWeeks, AgeBucket::OneToThreeMonths, AgeBucket::Older];

    /// The bucket's age range in seconds: at least the first, less than the second.
    pub fn range_secs(self) -> (u32, Option<u32>) {
        match self {
            AgeBucket::ThisWeek => (0, Some(7 * DAY)),
            AgeBucket::OneToTwoWeeks => (7 * DAY, Some(14 * DAY)),
            AgeBucket::TwoToFourWeeks => (14 * DAY, Some(28 * DAY)),
            AgeBucket::OneToThreeMonths => (28 * DAY, Some(90 * DAY)),
            AgeBucket::Older => (90 * DAY, None),
        }
    }

    /// The bucket of an age in seconds (a row's `age_secs`); `None` for an unknown age.
    pub fn of(secs: Option<u32>) -> Option<AgeBucket> {
        let s = secs?;
        AgeBucket::ALL.into_iter().find(|b| b.contains(Some(s)))
    }

    /// Whether an age falls in this bucket: the chart's filter.
    pub fn contains(self, secs: Option<u32>) -> bool {
        let Some(s) = secs else { return false };
        let (min, max) = self.range_secs();
        s >= min && max.is_none_or(|m| s < m)
    }

    /// `"this_week"`, `"one_to_two_weeks"`, …
    pub fn as_str(self) -> &'static str {
        match self {
            AgeBucket::ThisWeek => "this_week",
            AgeBucket::OneToTwoWeeks => "one_to_two_weeks",
            AgeBucket::TwoToFourWeeks => "two_to_four_weeks",
            AgeBucket::OneToThreeMonths => "one_to_three_months",
            AgeBucket::Older => "older",
        }
    }

    /// Reads [`AgeBucket::as_str`]'s spelling.
    pub fn parse(s: &str) -> Option<AgeBucket> {
        AgeBucket::ALL.into_iter().find(|b| b.as_str() == s.trim())
    }
}

/// One bar of the chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct Bar {
    /// [`AgeBucket::as_str`] (the pages word it: `age_<bucket>`).
    pub bucket: AgeBucket,
    /// Invitations in it.
    pub count: u32,
}

/// The chart's data: five bars, and the invitations of unknown age (in no bar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct AgeChart {
    /// Youngest first.
    pub bars: Vec<Bar>,
    /// Ages that could not be read.
    pub unknown: u32,
}

/// Counts ages in seconds (e.g. every row's `age_secs` of the Sent list) per bucket.
pub fn age_chart(ages: impl IntoIterator<Item = Option<u32>>) -> AgeChart {
    let mut counts = [0u32; 5];
    let mut unknown = 0u32;
    for age in ages {
        match AgeBucket::of(age).and_then(|b| AgeBucket::ALL.iter().position(|x| *x == b)) {
            Some(i) => {
                if let Some(c) = counts.get_mut(i) {
                    *c += 1;
                }
            }
            None => unknown += 1,
        }
    }
    AgeChart {
        bars: AgeBucket::ALL
            .into_iter()
            .zip(counts)
            .map(|(bucket, count)| Bar { bucket, count })
            .collect(),
        unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn buckets_count_and_filter() {
        let d = |n: u32| Some(n * DAY);
        let ages = [d(0), d(6), d(7), d(13), d(14), d(27), d(28), d(89), d(90), d(400), None];
        let chart = age_chart(ages);
        let counts: Vec<u32> = chart.bars.iter().map(|b| b.count).collect();
        assert_eq!(counts, [2, 2, 2, 2, 2]);
        assert_eq!(chart.unknown, 1);
        assert!(AgeBucket::TwoToFourWeeks.contains(d(20)));
        assert!(!AgeBucket::TwoToFourWeeks.contains(d(28)));
        assert!(!AgeBucket::Older.contains(None));
        assert_eq!(AgeBucket::parse("one_to_three_months"), Some(AgeBucket::OneToThreeMonths));
        let v = serde_json::to_value(&chart).unwrap();
        assert_eq!(v["bars"][3], json!({"bucket": "one_to_three_months", "count": 2}));
        assert_eq!(v["unknown"], json!(1));
    }
}
