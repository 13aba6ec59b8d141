//! The escalation pass: which census rows need their files read to be decided, in what order,
//! on which shard, and how many of them a request budget covers. A metadata verdict that is
//! `unknown` or whose terms disagree (a license mismatch, a license no rule knows) on a model
//! with at least `min_downloads` downloads is escalated, and so is every model the user names;
//! named models first, then by downloads. Each model is counted at the most Hub API calls its
//! full audit can make (its info, each base and each dataset looked up), so the budget is
//! never exceeded; the file downloads (README and license files, through the Hub's resolver,
//! which it limits far less) are counted apart. `--shard K/N` keeps the models whose id hashes
//! to shard K, so N machines split one census with an ordinary job runner.

use std::collections::HashSet;

use crate::vocab::{RiskCode, Verdict};

/// What selection needs of one census row.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    pub model: String,
    pub verdict: Verdict,
    pub downloads: u64,
    pub risks: Vec<String>,
    pub bases: usize,
    pub datasets: usize,
    /// Files a full audit downloads (those the census listed and did not read).
    pub files: usize,
}

/// `K/N`: this machine's shard of N (K from 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub k: u32,
    pub n: u32,
}

impl Shard {
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// Parses `K/N` with 1 ≤ K ≤ N.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let (k, n) = s
            .split_once('/')
            .ok_or_else(|| format!("`{s}` is not K/N (for example 2/8)"))?;
        let (k, n): (u32, u32) = (
            k.trim()
                .parse()
                .map_err(|_| format!("`{s}`: K is not a number"))?,
            n.trim()
                .parse()
                .map_err(|_| format!("`{s}`: N is not a number"))?,
        );
        if n == 0 || k == 0 || k > n {
            return Err(format!("`{s}`: K must be between 1 and N"));
        }
        Ok(Shard { k, n })
    }

    /// Is `model` on this shard? A stable hash of the id (FNV-1a, the same on every machine
    /// and every version), case-insensitive as the Hub's ids are.
    pub fn holds(self, model: &str) -> bool {
        let mut h: u64 = 0xcbf2_9ce4_8422_2325;
        for b in model.to_ascii_lowercase().bytes() {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
        h % u64::from(self.n) == u64::from(self.k - 1)
    }
}

/// The most Hub API calls a model's full audit can make.
pub fn api_calls(c: &Candidate) -> u64 {
    1 + c.bases as u64 + c.datasets as u64
}

/// Does the row's verdict need the files?
pub fn needs_files(c: &Candidate) -> bool {
    c.verdict == Verdict::Unknown
        || c.risks.iter().any(|r| {
            r == RiskCode::LicenseMismatch.code() || r == RiskCode::LicenseUnrecognized.code()
        })
}

/// What the pass will audit, and what it leaves for lack of budget.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Plan {
    pub chosen: Vec<Candidate>,
    /// Escalation candidates on this shard the budget did not cover.
    pub left: usize,
    pub api_calls: u64,
    pub downloads: u64,
}

/// Chooses, on `shard`, the named models and the rows that need their files, within
/// `budget` API calls.
pub fn plan(
    rows: impl IntoIterator<Item = Candidate>,
    named: &HashSet<String>,
    min_downloads: u64,
    shard: Shard,
    budget: u64,
) -> Plan {
    let mut wanted: Vec<(bool, Candidate)> = rows
        .into_iter()
        .filter(|c| shard.holds(&c.model))
        .filter_map(|c| {
            let is_named = named.contains(&c.model.to_ascii_lowercase());
            (is_named || (c.downloads >= min_downloads && needs_files(&c))).then_some((is_named, c))
        })
        .collect();
    wanted.sort_by(|(an, a), (bn, b)| {
        bn.cmp(an)
            .then(b.downloads.cmp(&a.downloads))
            .then(a.model.cmp(&b.model))
    });
    let mut plan = Plan::default();
    for (_, c) in wanted {
        let cost = api_calls(&c);
        if plan.api_calls + cost > budget {
            plan.left += 1;
            continue;
        }
        plan.api_calls += cost;
        plan.downloads += c.files as u64;
        plan.chosen.push(c);
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(model: &str, verdict: Verdict, downloads: u64) -> Candidate {
        Candidate {
            model: model.into(),
            verdict,
            downloads,
            risks: Vec::new(),
            bases: 1,
            datasets: 0,
            files: 2,
        }
    }

    #[test]
    fn named_first_then_downloads_within_the_budget() {
        let rows = vec![
            c("a/small", Verdict::Unknown, 10),
            c("a/big", Verdict::Unknown, 1_000_000),
            c("a/known", Verdict::Prohibited, 5_000_000),
            c("a/named", Verdict::Prohibited, 0),
            c("a/mid", Verdict::Unknown, 50_000),
        ];
        let named = HashSet::from(["a/named".to_string()]);
        let p = plan(rows, &named, 1000, Shard::ALL, 4);
        let ids: Vec<&str> = p.chosen.iter().map(|c| c.model.as_str()).collect();
        assert_eq!(ids, vec!["a/named", "a/big"]);
        assert_eq!(p.api_calls, 4);
        assert_eq!(
            p.left, 1,
            "a/mid is over the budget; a/small under the threshold"
        );
        assert_eq!(p.downloads, 4);
    }

    #[test]
    fn shards_split_every_model_once() {
        let ids: Vec<String> = (0..1000).map(|i| format!("org/m-{i}")).collect();
        let n = 4;
        let mut seen = 0;
        for k in 1..=n {
            let s = Shard::parse(&format!("{k}/{n}")).unwrap();
            let mine = ids.iter().filter(|id| s.holds(id)).count();
            assert!(mine > 150, "shard {k} holds {mine}");
            seen += mine;
        }
        assert_eq!(seen, 1000);
        assert!(Shard::parse("0/4").is_err());
        assert!(Shard::parse("5/4").is_err());
        assert!(Shard::parse("x").is_err());
        assert!(Shard::ALL.holds("any/model"));
    }
}
