//! The most characteristic words of each thematic area: Italian words
//! without stop words (the ISO list of the `stop-words` crate), reduced to
//! their stem (Snowball Italian, `rust-stemmers`) so that «ciclabile» and
//! «ciclabili» count together, then ranked by the log-odds ratio with an
//! informative Dirichlet prior (Monroe, Colaresi and Quinn, 2008) of the
//! area against all the other areas: a z-score, high when a stem is more
//! frequent in the area than elsewhere beyond what chance explains.

use std::collections::{BTreeMap, HashMap, HashSet};

use rust_stemmers::{Algorithm, Stemmer};

/// Words shorter than this are left out (articles, elisions).
const MIN_WORD_CHARS: usize = 3;
/// A stem counts for an area only if it occurs this often there.
const MIN_AREA_COUNT: u64 = 3;

/// Word counts by area, as the texts arrive.
pub struct WordCounts {
    stemmer: Stemmer,
    stop_words: HashSet<&'static str>,
    /// Area → stem → occurrences.
    by_area: BTreeMap<String, HashMap<String, u64>>,
    /// Stem → surface word → occurrences, to show the commonest form.
    forms: HashMap<String, HashMap<String, u64>>,
}

/// One characteristic stem of an area.
#[derive(Clone, Debug, PartialEq)]
pub struct Characteristic {
    pub stem: String,
    /// The commonest word with this stem, in every area.
    pub word: String,
    pub in_area: u64,
    pub elsewhere: u64,
    /// The z-score of the log-odds ratio.
    pub score: f64,
}

impl Default for WordCounts {
    fn default() -> Self {
        WordCounts {
            stemmer: Stemmer::create(Algorithm::Italian),
            stop_words: stop_words::get("it").iter().copied().collect(),
            by_area: BTreeMap::new(),
            forms: HashMap::new(),
        }
    }
}

impl WordCounts {
    /// Counts the words of `text` for `area`.
    pub fn add(&mut self, area: &str, text: &str) {
        let counts = self.by_area.entry(area.to_owned()).or_default();
        for word in words(text) {
            if word.chars().count() < MIN_WORD_CHARS
                || word.chars().all(|c| c.is_numeric())
                || self.stop_words.contains(word.as_str())
            {
                continue;
            }
            let stem = self.stemmer.stem(&word).into_owned();
            *counts.entry(stem.clone()).or_default() += 1;
            *self.forms.entry(stem).or_default().entry(word).or_default() += 1;
        }
    }

    /// The `limit` most characteristic stems of each area, best first.
    pub fn characteristic(&self, limit: usize) -> BTreeMap<String, Vec<Characteristic>> {
        let mut overall: HashMap<&str, u64> = HashMap::new();
        for counts in self.by_area.values() {
            for (stem, n) in counts {
                *overall.entry(stem.as_str()).or_default() += n;
            }
        }
        let total: u64 = overall.values().sum();
        self.by_area
            .iter()
            .map(|(area, counts)| {
                let in_area: u64 = counts.values().sum();
                let mut ranked: Vec<Characteristic> = counts
                    .iter()
                    .filter(|(_, n)| **n >= MIN_AREA_COUNT)
                    .map(|(stem, n)| {
                        let all = overall[stem.as_str()];
                        Characteristic {
                            stem: stem.clone(),
                            word: self.commonest_form(stem),
                            in_area: *n,
                            elsewhere: all - n,
                            score: log_odds_z(*n, in_area, all - n, total - in_area, all, total),
                        }
                    })
                    .filter(|c| c.score > 0.0)
                    .collect();
                ranked.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.stem.cmp(&b.stem)));
                ranked.truncate(limit);
                (area.clone(), ranked)
            })
            .collect()
    }

    fn commonest_form(&self, stem: &str) -> String {
        self.forms[stem]
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            .map(|(word, _)| word.clone())
            .unwrap_or_default()
    }
}

/// The lowercase words of `text`: runs of letters and digits (an apostrophe
/// ends a word, so «dell'acqua» gives «dell» and «acqua»).
fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
}

/// The z-score of the log-odds ratio of a word between a group and the
/// rest, with the word's overall count as its prior (Monroe et al. 2008,
/// eq. 22): `word`/`group` occurrences in the group, `other`/`rest`
/// elsewhere, `prior`/`prior_total` the overall counts.
fn log_odds_z(word: u64, group: u64, other: u64, rest: u64, prior: u64, prior_total: u64) -> f64 {
    let (a, a0) = (prior as f64, prior_total as f64);
    let (yi, ni) = (word as f64, group as f64);
    let (yj, nj) = (other as f64, rest as f64);
    let delta = ((yi + a) / (ni + a0 - yi - a)).ln() - ((yj + a) / (nj + a0 - yj - a)).ln();
    let variance = 1.0 / (yi + a) + 1.0 / (yj + a);
    delta / variance.sqrt()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_words_go_and_inflected_forms_share_a_stem() {
        let mut counts = WordCounts::default();
        counts.add(
            "mobilita",
            "Le piste ciclabili e la pista ciclabile dell'Arno",
        );
        let mobilita = &counts.by_area["mobilita"];
        assert!(!mobilita.keys().any(|stem| stem == "le" || stem == "la"));
        assert_eq!(mobilita.get("ciclabil"), Some(&2));
        assert_eq!(mobilita.get("pist"), Some(&2));
        assert_eq!(mobilita.get("arno"), Some(&1));
    }

    #[test]
    fn the_word_of_an_area_ranks_first_there_and_not_elsewhere() {
        let mut counts = WordCounts::default();
        for _ in 0..5 {
            counts.add("mobilita", "piste ciclabili sicure per la città");
            counts.add("verde", "alberi nei giardini della città");
        }
        let ranked = counts.characteristic(3);
        assert_eq!(ranked["mobilita"][0].in_area, 5);
        assert!(["pist", "ciclabil", "sicur"].contains(&ranked["mobilita"][0].stem.as_str()));
        assert!(ranked["verde"].iter().all(|c| c.stem != "ciclabil"));
        // «città» is everywhere alike: it characterises no area.
        let citta = counts.stemmer.stem("città").into_owned();
        assert!(ranked.values().flatten().all(|c| c.stem != citta));
        let alberi = ranked["verde"].iter().find(|c| c.word == "alberi").unwrap();
        assert_eq!((alberi.in_area, alberi.elsewhere), (5, 0));
    }
}
