//! The questions `isopen census report` asks, as SQL over the two tables a census writes:
//! `models` (every `models/part-*.parquet`) and `lineage` (`lineage.parquet`). The text is
//! shown in the JSON output so a reader can rerun or extend it in DuckDB or Spark, so it keeps
//! to SQL those engines share (no DataFusion-only function); `{top}` stands for `--top N` and
//! is replaced before the query runs and before it is shown.

/// One question: its title, its SQL and whether it reads `lineage`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Query {
    pub title: &'static str,
    pub sql: &'static str,
    /// Reads `lineage.parquet`, which a census stopped before its join does not have.
    pub lineage: bool,
    /// What a reader needs to read the numbers right.
    pub note: Option<&'static str>,
}

/// Models by the license isopen concluded, the `{top}` most common, then the rest as one row
/// (a label no Hub license id can take: `other` is a real Hub license).
pub const LICENSE_MIX: &str = "\
WITH counts AS (
  SELECT license, count(*) AS models FROM models GROUP BY license
), ranked AS (
  SELECT license, models, row_number() OVER (ORDER BY models DESC, license) AS rank
  FROM counts
), folded AS (
  SELECT CASE WHEN rank <= {top} THEN license ELSE '(every other license)' END AS license,
         sum(models) AS models, min(rank) AS first_rank
  FROM ranked
  GROUP BY 1
)
SELECT license, models,
       round(100.0 * models / (SELECT count(*) FROM models), 1) AS share_pct
FROM folded
ORDER BY first_rank";

/// The share of models whose card declares no license, overall and among the popular ones.
pub const WITHOUT_LICENSE: &str = "\
SELECT 'every model' AS models_counted, count(*) AS models,
       sum(CASE WHEN license_declared IS NULL OR trim(license_declared) = '' THEN 1 ELSE 0 END)
         AS without_license,
       round(100.0 * sum(CASE WHEN license_declared IS NULL OR trim(license_declared) = ''
         THEN 1 ELSE 0 END) / nullif(count(*), 0), 1) AS share_pct
FROM models
UNION ALL
SELECT 'at least 1,000 downloads', count(*),
       sum(CASE WHEN license_declared IS NULL OR trim(license_declared) = '' THEN 1 ELSE 0 END),
       round(100.0 * sum(CASE WHEN license_declared IS NULL OR trim(license_declared) = ''
         THEN 1 ELSE 0 END) / nullif(count(*), 0), 1)
FROM models
WHERE downloads >= 1000
ORDER BY models DESC, models_counted DESC";

/// Models by metadata verdict and by how deep the metadata went.
pub const VERDICT_MIX: &str = "\
SELECT verdict, depth, count(*) AS models,
       round(100.0 * count(*) / (SELECT count(*) FROM models), 1) AS share_pct
FROM models
GROUP BY verdict, depth
ORDER BY models DESC, verdict, depth";

/// Derived models declared more permissive than an ancestor, by that ancestor.
pub const RELABELLED_BY_BASE: &str = "\
SELECT l.conflict_with AS base,
       count(*) AS relabelled,
       coalesce(sum(m.downloads), 0) AS downloads
FROM lineage l
LEFT JOIN models m ON m.model = l.model
WHERE l.conflict_with IS NOT NULL
GROUP BY l.conflict_with
ORDER BY relabelled DESC, downloads DESC, base
LIMIT {top}";

/// The same, by the ancestor's author: the family a relabelled fine-tune came from.
pub const RELABELLED_BY_FAMILY: &str = "\
SELECT split_part(l.conflict_with, '/', 1) AS base_author,
       count(*) AS relabelled,
       count(DISTINCT l.conflict_with) AS bases,
       coalesce(sum(m.downloads), 0) AS downloads
FROM lineage l
LEFT JOIN models m ON m.model = l.model
WHERE l.conflict_with IS NOT NULL
GROUP BY 1
ORDER BY relabelled DESC, downloads DESC, base_author
LIMIT {top}";

/// Ancestors whose own terms restrict use, by how many of their descendants declare a
/// license that alone would allow it.
pub const RESTRICTIVE_BASES: &str = "\
WITH pairs AS (
  SELECT model, unnest(ancestors) AS ancestor FROM lineage
)
SELECT p.ancestor AS base, b.verdict AS base_verdict,
       count(*) AS permissive_descendants,
       coalesce(sum(d.downloads), 0) AS descendant_downloads
FROM pairs p
JOIN models b ON b.model = p.ancestor
JOIN models d ON d.model = p.model
WHERE b.verdict IN ('conditional', 'prohibited')
  AND d.declared_verdict = 'allowed'
GROUP BY p.ancestor, b.verdict
ORDER BY permissive_descendants DESC, descendant_downloads DESC, base
LIMIT {top}";

/// The lineage join's counts.
pub const LINEAGE_COUNTS: &str = "\
SELECT count(*) AS derived,
       count(conflict_with) AS relabelled,
       coalesce(sum(CASE WHEN cycle THEN 1 ELSE 0 END), 0) AS in_a_cycle,
       coalesce(sum(CASE WHEN too_deep THEN 1 ELSE 0 END), 0) AS too_deep,
       (SELECT count(DISTINCT model)
        FROM (SELECT model, unnest(missing) AS base FROM lineage) AS gaps) AS missing_bases
FROM lineage";

/// Every question, in the order the report shows them.
pub const QUERIES: [Query; 7] = [
    Query {
        title: "License mix",
        sql: LICENSE_MIX,
        lineage: false,
        note: Some("the license isopen concluded from the card's metadata"),
    },
    Query {
        title: "Models without a license",
        sql: WITHOUT_LICENSE,
        lineage: false,
        note: Some("no `license` in the card metadata, or an empty one"),
    },
    Query {
        title: "Verdict mix",
        sql: VERDICT_MIX,
        lineage: false,
        note: Some(
            "metadata only: a census row is never `allowed`, as the card and license files \
             were not read (an audit reads them)",
        ),
    },
    Query {
        title: "Relabelled fine-tunes by base",
        sql: RELABELLED_BY_BASE,
        lineage: true,
        note: Some(
            "derived models whose declared license is more permissive than an ancestor's \
             terms (inherited-license-conflict), by the nearest such ancestor; downloads summed \
             over the derived models",
        ),
    },
    Query {
        title: "Relabelled fine-tunes by base family",
        sql: RELABELLED_BY_FAMILY,
        lineage: true,
        note: Some("the same, by the ancestor's author (the part of its id before `/`)"),
    },
    Query {
        title: "Restrictive bases by permissive descendants",
        sql: RESTRICTIVE_BASES,
        lineage: true,
        note: Some(
            "ancestors whose own verdict is conditional or prohibited, by how many models \
             below them declare a license that alone would be allowed",
        ),
    },
    Query {
        title: "Lineage counts",
        sql: LINEAGE_COUNTS,
        lineage: true,
        note: Some(
            "models naming a base; a missing base is one the census does not hold, which \
             keeps a model from allowed",
        ),
    },
];

/// The query's SQL as it runs and as it is shown: `{top}` replaced by `top`.
pub fn text(query: &Query, top: usize) -> String {
    query.sql.replace("{top}", &top.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_is_filled_in_and_nothing_else_is_left_to_fill() {
        for q in &QUERIES {
            let sql = text(q, 7);
            assert!(!sql.contains('{'), "{}: {sql}", q.title);
        }
        assert!(text(&QUERIES[0], 7).contains("rank <= 7"));
        assert!(text(&QUERIES[3], 3).ends_with("LIMIT 3"));
    }

    #[test]
    fn only_the_lineage_questions_read_lineage() {
        for q in &QUERIES {
            assert_eq!(q.lineage, q.sql.contains("lineage"), "{}", q.title);
        }
    }
}
