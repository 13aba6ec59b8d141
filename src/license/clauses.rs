//! The clause reader: what a license text says about commercial use when no rule names it (a
//! custom model license, a research-only release, a permissive template with a clause added).
//! It finds clauses of a small taxonomy — non-commercial, research-only, caps, policies,
//! approval, territory, field-of-use bans … — each cited by file, line and quote, and derives a
//! verdict that can be `prohibited`, `conditional` or `unknown`, never `allowed`: a reader of
//! an unknown text cannot prove the absence of a restriction. Pure: text in, clauses out.

use std::sync::OnceLock;

use regex::Regex;

use crate::license::identify::quote_span;
use crate::normalize::{Normalized, normalize};
use crate::vocab::Verdict;

pub use crate::vocab::{Clause, ClauseKind, Effect};

/// The verdict an unrecognised text earns from its clauses: `prohibited` on a non-commercial,
/// research-only or evaluation-only clause; `conditional` when the text both grants commercial
/// use in words and sets conditions on it; otherwise `unknown` — without a grant we cannot tell
/// whether commercial use is permitted at all. Never `allowed`.
pub fn verdict(clauses: &[Clause]) -> Verdict {
    let has = |e: Effect| clauses.iter().any(|c| c.kind.effect() == e);
    if has(Effect::Prohibits) {
        Verdict::Prohibited
    } else if has(Effect::Conditions)
        && clauses
            .iter()
            .any(|c| c.kind == ClauseKind::CommercialGrant)
    {
        Verdict::Conditional
    } else {
        Verdict::Unknown
    }
}

/// A clause pattern, and words that void a match in the same sentence.
struct Pattern {
    kind: ClauseKind,
    find: Regex,
    /// A match whose sentence matches this is not the clause ("commercial and non-commercial
    /// use", "does not require approval").
    unless: Option<Regex>,
    /// A match counts only when its sentence also matches this (a field of use is a clause
    /// only where the sentence forbids it).
    require: Option<Regex>,
}

fn re(s: &str) -> Regex {
    Regex::new(s).expect("clause patterns are valid")
}

impl Pattern {
    fn requiring(mut self, require: &str) -> Pattern {
        self.require = Some(re(require));
        self
    }
}

/// The clause patterns, over normalised text (lowercase, one space, markdown removed).
fn patterns() -> &'static [Pattern] {
    static P: OnceLock<Vec<Pattern>> = OnceLock::new();
    P.get_or_init(|| {
        let both = r"\b(commercial (and|or|&|/) non-? ?commercial|non-? ?commercial (and|or|&|/|as well as) commercial|whether (or not )?(for )?commercial|only for non-? ?commercial distribution and only if you received|was once|formerly|previously|used to be)\b";
        let negated = r"\b(not|no|never|nor|without|except|unless|neither)\b|n't\b";
        let p = |kind: ClauseKind, find: &str, unless: Option<&str>| Pattern {
            kind,
            find: re(find),
            unless: unless.map(re),
            require: None,
        };
        let forbidden = r"\b(not|never|prohibit\w*|forbid\w*|exclud\w*|restrict\w*|only|solely|exclusively)\b|n't\b";
        use ClauseKind::*;
        vec![
            p(
                NonCommercial,
                r"\battribution[- ]?non-? ?commercial\b|\bcc[- ]?by[- ]nc\b|\bby-nc(-sa|-nd)?\b|licenses/by-nc\b|\bnon-? ?commercial (use|usage|purposes?|research|only|licen[cs]e|basis|applications?|activit(y|ies)|settings?|environments?|projects?|entities|organi[sz]ations?)\b|\bfor (your |the )?(own |personal,? |internal,? )*non-? ?commercial\b|\b(not|never) (be )?(used |licensed |sold |exploited |distributed |deployed )?(for|in) (any )?(direct or indirect )?commercial (use|usage|purposes?|applications?|products?|settings?|activit(y|ies)|services?|exploitation|advantage)\b|\bcommercial (use|usage|purposes?|exploitation|applications?|distribution)( of [a-z0-9 ,'\-]{1,60})? (is|are) (strictly |expressly )?(not (permitted|allowed|authori[sz]ed|granted|licensed)|prohibited|forbidden|excluded|disallowed)\b|\bno commercial (use|usage|purposes?|exploitation)\b|\b(may|shall|must|will|can|do) not (use|exploit|sell|deploy|distribute|commerciali[sz]e|offer|monetize) [^.;]{0,80}\b(for|in) (any )?commercial\b|\b(prohibit|forbid)s? [^.;]{0,40}\bcommercial (use|usage|purposes?|exploitation)\b|\bnot (permitted|allowed|licensed|authori[sz]ed) for commercial\b|\bfor commercial (use|purposes?) (is|are) not (permitted|allowed)\b|\bredistributions? for commercial purposes (is|are) not permitted\b|\b(purposes? )?other than (any )?commercial (or production )?(use|usage|purposes?)\b",
                Some(both),
            ),
            p(
                ResearchOnly,
                r"\b(academic |scientific |educational |non-? ?commercial )?research (purposes? |use |uses )?only\b|\b(only|solely|exclusively|strictly) (be used |used |for use |licensed )?(for|to|in) (your |the purposes? of )?(own )?(non-? ?commercial |internal |personal |teaching and )?(academic|scientific|research|educational|teaching)( (and|or|&) (academic|scientific|research|educational|teaching|evaluation|non-? ?commercial|personal))*( (purposes?|uses?|work|activities|settings))?\b|\bfor (academic|scientific|research|educational|teaching)( (and|or|&) (academic|scientific|research|educational|teaching|evaluation))* (use|uses|purposes?) only\b|\b(limited|restricted|confined) to [a-z ,\-]{0,30}\b(academic|scientific|research|educational)\b|\bacademic (use|users?) only\b",
                Some(r"\b(research (and|or|&) commercial|commercial (and|or|&) research)\b"),
            ),
            p(
                NonProduction,
                r"\bnon-? ?production (use|usage|purposes?|environments?|only|settings?)\b|\b(not|never) (be )?(used |deployed |put )?(in|into|for) (a |any )?production\b|\b(evaluation|testing|evaluation and testing|internal evaluation|trial) (purposes? |use )?only\b|\bsolely (for|to) (the purposes? of )?(internal |your )?(evaluation|evaluate|testing|test)\b",
                None,
            ),
            p(
                UserCap,
                r"\b(monthly|daily|weekly|annual) active (end )?users\b|\bactive users? [^.;]{0,40}\b(exceeds?|greater than|more than|above|in excess of)\b|\b\d[\d,.]* ?(million|billion|thousand)? (registered |end )?users\b[^.;]{0,40}\b(exceed|greater|more|above)",
                None,
            ),
            p(
                RevenueCap,
                r"\b\d[\d,.]* ?(million|billion|m|k|mm)? ?(usd|eur|us dollars|dollars|euros?|rmb|cny)\b[^.;]{0,40}\b(revenues?|turnover|sales)\b|\b(annual|yearly|gross|total|annuali[sz]ed|trailing) (gross |total |net )?(revenues?|turnover|sales|income)\b[^.;]{0,120}(\$|€|£|¥|\busd\b|\beur\b|\brmb\b|\bcny\b|dollars|euros?|\d ?(million|billion))|(\$|€|£|¥|\busd ?)\s?\d[\d,.]* ?(million|billion|m|k)?\b[^.;]{0,80}\b(revenues?|turnover)\b|\brevenues? (of|exceeding|in excess of|greater than|more than|above|over|below|less than|under) (us ?)?(\$|€|£|usd|eur)",
                None,
            ),
            p(
                UsePolicy,
                r"\b(acceptable|prohibited|permitted|responsible|fair) uses? polic(y|ies)\b|\buse-? ?based restrictions\b|\busage polic(y|ies)\b|\buse restrictions? (in|set (forth|out) in|listed in|of) (attachment|exhibit|appendix|schedule|section)\b|\b(attachment|exhibit|appendix|schedule) [a-z0-9]{1,3}:? ?(use|usage) restrictions\b",
                None,
            ),
            p(
                ApprovalRequired,
                r"\b(explicit |express |prior |written )*(permission|approval|authori[sz]ation|consent)( or an? commercial licen[cs]e)?\b[^.;]{0,80}\b(is|are) required\b|\b(use|usage|deployment) in (a|any) commercial [a-z]+s? (must|shall) be (notified|reported|registered|declared)\b|\bcommercial (use|usage|purposes?|applications?|deployment|exploitation|licen[cs]es?|licen[cs]ing|use cases?)\b[^.;]{0,100}\b(requires?|requiring|subject to|needs?|conditional (up)?on|contingent (up)?on|must (first )?(obtain|request|apply|register|contact|seek|get|sign|enter))\b[^.;]{0,60}\b(permission|approval|authori[sz]ation|consent|registration|register|licen[cs]e|agreement|written|contract)\b|\b(obtain|request|apply for|seek|acquire|purchase|get|sign|enter into|negotiate|contact [^.;]{0,40} (for|to obtain|about)) (a |an |the )?(separate |written |prior |express |additional |specific )*(commercial )?(licen[cs]e|permission|authori[sz]ation|approval|consent|agreement)\b[^.;]{0,80}\bcommercial(ly)?\b|\bcommercial(ly)?\b[^.;]{0,80}\b(obtain|request|apply for|seek|contact|e-?mail|register|registration)\b[^.;]{0,60}\b(licen[cs]e|permission|authori[sz]ation|approval|consent|form|questionnaire|us|registration)\b|\b(prior |express )?written (permission|consent|approval|authori[sz]ation)\b[^.;]{0,100}\bcommercial|\bcommercial[^.;]{0,100}\b(prior |express )?written (permission|consent|approval|authori[sz]ation)\b|\bcommercial licen[cs](e|es|ing) (is |are )?available\b",
                Some(r"\b(does not|do not|doesn't|don't|no) (need|require|requirement)|\bnot required\b|\bwithout (the need|any need|requiring|(any )?(registration|permission|approval))\b"),
            ),
            p(
                NoImprovingOtherModels,
                r"\b(improve|train|develop|create|enhance|fine-? ?tune|distill|build)\b[^.;]{0,50}\b(any |an )?(other|another|third-? ?party|competing|similar) [a-z \-]{0,40}\bmodels?\b|\b(outputs?|results?|generations?)\b[^.;]{0,60}\b(to )?(train|improve|develop|create|enhance|distill)\b[^.;]{0,40}\bmodels?\b",
                None,
            ),
            p(
                Territory,
                r"\b(territor(y|ies)|geographic(al)? (scope|area|region))\b[^.;]{0,160}\b(excludes?|excluding|except|other than|outside|does not include|not (include|available|licensed|granted|apply|valid))\b|\b(outside|excluding|except (in|for)|other than|not (available|licensed|granted|valid|permitted) (in|within|to (users|residents|entities) (in|of))) (the )?(european union|\beu\b|united kingdom|\buk\b|south korea|republic of korea|mainland china|people's republic of china|\bprc\b|united states|china|korea|russia|the eea)\b|\b(european union|united kingdom|south korea)\b[^.;]{0,100}\b(is|are) (expressly )?(excluded|not (included|licensed|permitted|covered))\b",
                None,
            ),
            p(
                Revocable,
                r"(^|[^a-z\-])(?:revocable)\b|\b(may|can|reserves? the right to|is entitled to|has the right to) (at any time |unilaterally |from time to time )?(revoke|terminate|suspend|withdraw|cancel) (this |the |your |any |all )?(licen[cs]es?|agreement|rights?|access|permission)\b[^.;]{0,60}\b(at any time|for any reason|without (cause|notice|reason)|at (its|our|their) (sole |absolute )?discretion|for convenience)\b|\b(may|can|reserves? the right to) (at any time |unilaterally |from time to time )?(modify|update|change|amend|revise) (this |the |these )?(licen[cs]e|agreement|terms)\b[^.;]{0,60}\b(at any time|from time to time|without (prior )?notice|at (its|our) (sole )?discretion|unilaterally)\b",
                Some(r"\b(ir|non-? ?)revocable\b|\b(you|licensee|customer|user|recipient) (may|can) terminate\b"),
            ),
            p(
                FieldOfUse,
                r"\b(military|weapons?|warfare|nuclear (facilit|weapon|material|application)|surveillance|biometric|law enforcement|criminal justice|human rights|universal declaration|(physical|mental)[a-z ,]{0,40}harm)\b|\b(only|solely|exclusively) (be )?(used |for use |licensed |run |operated )?(with|on|in conjunction with|in combination with|together with|for use with)\b[^.;]{0,80}\b(hardware|products?|devices?|platforms?|processors?|chips?|gpus?|services?|boards?|systems?|silicon|components?)\b|\bfor use (only|solely|exclusively) (with|on|in)\b",
                Some(r"\b(disclaim|warrant|liab|no representation|as is|indemnif)"),
            )
            .requiring(forbidden),
            // A grant limited to research-like purposes ("are permitted for academic, research,
            // experimental, or personal use"), unless commercial use is in the list.
            p(
                ResearchOnly,
                r"\b(is|are) (only )?(permitted|granted|allowed|licensed) (only )?for (academic|research|non-? ?commercial|educational|scientific)(,? (and |or )?(academic|research|experimental|personal|educational|scientific|non-? ?commercial|teaching|evaluation))* (use|uses|purposes?)\b",
                Some(r"(^|[^a-z-])commercial\b"),
            ),
            // Limits to a vendor's products or to named licensees, said without a negation.
            p(
                FieldOfUse,
                r"\b(limited|restricted) solely to (applications|use|products|devices)\b|\b(may|can|shall|must) only be (used|redistributed|distributed|run|executed)( and (used|redistributed|distributed))? (in connection|in conjunction|together|with|on|in combination)\b|\b(running|runs|run|executing|executes) on or (that )?(directly )?(connected|interacting|interacts|interact) (to|with)\b|\b(utili[sz]e|use|enable) only the features\b|\b(is|are) (only )?used (only )?(with|in conjunction with|on) (an?|the) [a-z0-9 \-]{1,40}\b(products?|devices?|hardware|components?|platforms?)\b|\bgranted to (everyone|anyone|all) except\b|\bexcept (for )?the following (entities|companies|organi[sz]ations|persons|individuals)\b",
                Some(r"\b(disclaim|warrant|liab|no representation|as is|indemnif)"),
            ),
            p(
                NoImprovingOtherModels,
                r"\b(for|to|in) (the purposes? of )?(build|building|train|training|develop|developing|creat(e|ing)|improv(e|ing)) (any )?(machine learning|ml|ai|artificial intelligence|neural network|language) models?\b",
                None,
            )
            .requiring(forbidden),
            p(
                ShareAlike,
                r"\bshare-? ?alike\b|\bcopyleft\b|\bunder the same (licen[cs]e|terms|conditions)\b|\b(must|shall) (also )?(be )?(licen[cs]ed|distributed|released|made available|provided) (only )?under (the terms (and conditions )?of )?(this|the same) (licen[cs]e|agreement)\b",
                None,
            ),
            p(
                Attribution,
                r"\b(give|provide|include) (appropriate |proper |reasonable )?(credit|attribution)\b|\battribution (notice|requirements?|must)\b|\b(retain|keep|reproduce|include|preserve)\b[^.;]{0,60}\b(copyright notices?|attribution notices?|this (permission )?notice|the above copyright)\b",
                None,
            ),
            p(
                NamingDuty,
                r#"(must|shall|required to|agree to|obliged to|will)\b[^.;]{0,80}"(built|made|improved|powered|created|developed) (with|by|using|on) [^"]{1,40}"|\b(model|product)? ?names? [^.;]{0,40}\b(must|shall) (begin|start|include|contain|be prefixed)\b|\b(at the beginning of|prefix(ed)? (to|with)?) [^.;]{0,20}\b(model|product)? ?name\b"#,
                None,
            ),
            p(
                CommercialGrant,
                r"\bcommercial (use|usage|purposes?|applications?|deployment)( of [a-z0-9 ,'\-]{1,60})? (is|are) (hereby |expressly )?(permitted|allowed|granted|authori[sz]ed|free|welcome)\b|\b(may|can|are free to|is free to|are permitted to|is permitted to) (be )?(use|used|deploy|deployed|exploit|exploited|sell|sold|distribute|distributed|commerciali[sz]e|commerciali[sz]ed)\b[^.;]{0,80}\b(for|in) (both )?(research (and|or) )?commercial (use|usage|purposes?|applications?|products?|settings?|services?)\b|\bincluding (for )?(both )?(research (and|or) |academic (and|or) )?commercial (use|usage|purposes?)\b|\bfor (both )?(research|academic|personal|non-? ?commercial) (and|or|&) commercial (use|usage|purposes?)\b|\bcommercially usable\b|\bfree for commercial (use|usage|purposes?)\b|\b(commercial and non-? ?commercial|non-? ?commercial and commercial) (use|usage|purposes?)\b",
                Some(negated),
            ),
        ]
    })
}

/// At most this much text is read for clauses: more than any file is read (a restriction can
/// be appended at the end of a long text), as a bound for callers that pass more.
pub const MAX_READ_BYTES: usize = 16 * 1024 * 1024;

/// Every clause in a text, the first occurrence of each kind, cited at its line in `file`
/// (shifted by `line_offset` for a section of a larger file).
pub fn read(file: &str, text: &str, line_offset: usize) -> Vec<Clause> {
    let norm = normalize(text);
    read_normalized(file, text, &norm, line_offset)
}

/// As [`read`], for a text already normalised.
pub fn read_normalized(
    file: &str,
    text: &str,
    norm: &Normalized,
    line_offset: usize,
) -> Vec<Clause> {
    let t = if norm.text.len() > MAX_READ_BYTES {
        let mut end = MAX_READ_BYTES;
        while !norm.text.is_char_boundary(end) {
            end -= 1;
        }
        &norm.text[..end]
    } else {
        norm.text.as_str()
    };
    let mut out: Vec<Clause> = Vec::new();
    for p in patterns() {
        if out.iter().any(|c| c.kind == p.kind) {
            continue;
        }
        for m in p.find.find_iter(t) {
            let sentence = sentence_around(t, m.start(), m.end());
            if p.unless.as_ref().is_some_and(|u| u.is_match(sentence))
                || p.require.as_ref().is_some_and(|r| !r.is_match(sentence))
            {
                continue;
            }
            let mut ev = quote_span(file, text, norm, (m.start(), m.end()), None);
            ev.line = ev.line.map(|l| l + line_offset);
            out.push(Clause {
                kind: p.kind,
                evidence: ev,
                sentence: sentence.to_string(),
            });
            break;
        }
    }
    out.sort_by_key(|c| c.kind);
    out
}

/// The sentence a match sits in: from the previous `.`, `;`, `!` or `?` to the next.
pub fn sentence_around(text: &str, start: usize, end: usize) -> &str {
    let from = text[..start]
        .rfind(['.', ';', '!', '?'])
        .map_or(0, |i| i + 1);
    let to = text[end..]
        .find(['.', ';', '!', '?'])
        .map_or(text.len(), |i| end + i);
    &text[from..to]
}

/// Clauses that limit commercial use.
pub fn restrictive(clauses: &[Clause]) -> impl Iterator<Item = &Clause> {
    clauses.iter().filter(|c| c.kind.restricts())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<&'static str> {
        read("LICENSE", text, 0)
            .iter()
            .map(|c| c.kind.as_str())
            .collect()
    }

    #[test]
    fn non_commercial_and_research_only() {
        assert_eq!(
            kinds("The model may only be used for non-commercial research purposes."),
            ["non-commercial", "research-only"]
        );
        assert_eq!(
            kinds(
                "Redistribution and use for non-commercial purpose in source and binary forms are permitted."
            ),
            ["non-commercial"]
        );
        assert_eq!(
            kinds("ADDITIONAL TERMS: the Work may not be used for any commercial purpose."),
            ["non-commercial"]
        );
        assert!(kinds("Free for commercial and non-commercial use.").contains(&"commercial-grant"));
        assert!(!kinds("Free for commercial and non-commercial use.").contains(&"non-commercial"));
    }

    #[test]
    fn conditions_need_a_grant_to_be_conditional() {
        let capped = read(
            "LICENSE",
            "If your products have more than 100 million monthly active users, you must request a license from us.",
            0,
        );
        assert_eq!(verdict(&capped), Verdict::Unknown);
        let granted = read(
            "LICENSE",
            "Commercial use is permitted. If your products have more than 100 million monthly active users, you must request a license from us.",
            0,
        );
        assert_eq!(verdict(&granted), Verdict::Conditional);
        assert_eq!(verdict(&[]), Verdict::Unknown);
    }

    #[test]
    fn approval_territory_revocation() {
        assert!(
            kinds("For commercial use, please contact us by e-mail to obtain a license.")
                .contains(&"approval-required")
        );
        assert!(kinds("Commercial use does not require registration.").is_empty());
        assert!(
            kinds("The Territory means the worldwide territory, excluding the European Union, the United Kingdom and South Korea.")
                .contains(&"territory")
        );
        assert_eq!(
            kinds("We grant you a non-exclusive, revocable license."),
            ["revocable"]
        );
        assert!(kinds("a perpetual, irrevocable license").is_empty());
        assert!(kinds("a non-revocable license").is_empty());
    }

    #[test]
    fn evidence_names_the_line() {
        let c = read("LICENSE", "Terms\n\nResearch use only.\n", 10);
        assert_eq!(c[0].kind, ClauseKind::ResearchOnly);
        assert_eq!(c[0].evidence.line, Some(13));
        assert_eq!(c[0].evidence.quote, "Research use only.");
    }
}
