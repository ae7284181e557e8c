//! Passages two texts share, so that a moderator comparing a contribution
//! with a near-duplicate sees at a glance what was copied. A word belongs to
//! a shared passage when it starts or continues a run of at least
//! [`MIN_RUN`] consecutive words (folded: case and accents aside) that also
//! occurs in the other text.

use std::collections::HashSet;

use super::text::search_fold;

/// Fewer words in a row are common phrasing, not a copied passage.
pub const MIN_RUN: usize = 3;

/// A stretch of a text, shared with the other text or not. Joined in order,
/// the segments give back the text exactly.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Segment {
    pub text: String,
    pub shared: bool,
}

/// A word of the text: its byte range and folded form.
struct Word {
    start: usize,
    end: usize,
    folded: String,
}

fn words_of(text: &str) -> Vec<Word> {
    let mut words = Vec::new();
    let mut start = None;
    for (index, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        match (start, c.is_alphanumeric()) {
            (None, true) => start = Some(index),
            (Some(begin), false) => {
                words.push(Word {
                    start: begin,
                    end: index,
                    folded: search_fold(&text[begin..index]),
                });
                start = None;
            }
            _ => {}
        }
    }
    words
}

fn runs_of(words: &[Word]) -> HashSet<Vec<&str>> {
    words
        .windows(MIN_RUN)
        .map(|run| run.iter().map(|w| w.folded.as_str()).collect())
        .collect()
}

/// `text` cut into segments, those in a passage shared with `other` marked.
pub fn shared_segments(text: &str, other: &str) -> Vec<Segment> {
    let words = words_of(text);
    let other_words = words_of(other);
    let other_runs = runs_of(&other_words);
    let mut shared = vec![false; words.len()];
    for (index, run) in words.windows(MIN_RUN).enumerate() {
        let key: Vec<&str> = run.iter().map(|w| w.folded.as_str()).collect();
        if other_runs.contains(&key) {
            shared[index..index + MIN_RUN].fill(true);
        }
    }
    let mut segments: Vec<Segment> = Vec::new();
    let mut push = |piece: &str, is_shared: bool| {
        if piece.is_empty() {
            return;
        }
        match segments.last_mut() {
            Some(last) if last.shared == is_shared => last.text.push_str(piece),
            _ => segments.push(Segment {
                text: piece.to_owned(),
                shared: is_shared,
            }),
        }
    };
    let mut at = 0;
    for (index, word) in words.iter().enumerate() {
        // The gap before a word is shared when it joins two shared words.
        let gap_shared = shared[index] && index > 0 && shared[index - 1];
        push(&text[at..word.start], gap_shared);
        push(&text[word.start..word.end], shared[index]);
        at = word.end;
    }
    push(&text[at..], false);
    segments
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(segments: &[Segment]) -> String {
        segments
            .iter()
            .map(|s| {
                if s.shared {
                    format!("[{}]", s.text)
                } else {
                    s.text.clone()
                }
            })
            .collect()
    }

    #[test]
    fn a_run_of_three_words_or_more_is_shared_whatever_the_case_and_accents() {
        let text = "Servono più alberi in Piazza della Libertà, e panchine.";
        let other = "In città servono PIU ALBERI e fontane sulla piazza della liberta!";
        assert_eq!(
            marked(&shared_segments(text, other)),
            "[Servono più alberi] in [Piazza della Libertà], e panchine."
        );
    }

    #[test]
    fn segments_join_back_into_the_text() {
        let text = "  Una frase, con punteggiatura; e spazi finali.  ";
        let joined: String = shared_segments(text, "con punteggiatura e spazi")
            .iter()
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(joined, text);
    }

    #[test]
    fn two_words_in_common_are_not_a_passage() {
        let segments = shared_segments("piste ciclabili sicure", "piste ciclabili ovunque");
        assert!(segments.iter().all(|s| !s.shared));
        assert!(shared_segments("", "qualcosa").is_empty());
    }
}
