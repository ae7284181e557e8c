//! Text likeness for finding near-duplicates: Jaccard similarity of the
//! character trigrams of the folded text (lowercase, no accents, no
//! punctuation), computed in Rust so both backends give the same answers.

use super::text::search_fold;

/// The trigram fingerprint of a text: sorted, de-duplicated hashes.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprint(Vec<u32>);

impl Fingerprint {
    pub fn of(text: &str) -> Fingerprint {
        let folded = search_fold(text);
        let words: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect();
        let normalised: Vec<char> = format!(" {} ", words.join(" ")).chars().collect();
        let mut hashes: Vec<u32> = normalised.windows(3).map(trigram_hash).collect();
        hashes.sort_unstable();
        hashes.dedup();
        Fingerprint(hashes)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Jaccard similarity in 0–1, rounded to four decimals so that the same
    /// texts give the same score everywhere.
    pub fn similarity(&self, other: &Fingerprint) -> f64 {
        if self.0.is_empty() || other.0.is_empty() {
            return 0.0;
        }
        let shared = intersection_size(&self.0, &other.0);
        let union = self.0.len() + other.0.len() - shared;
        let score = shared as f64 / union as f64;
        (score * 10_000.0).round() / 10_000.0
    }
}

fn trigram_hash(window: &[char]) -> u32 {
    // FNV-1a: stable across processes and versions, unlike std's RandomState.
    let mut hash: u32 = 0x811c_9dc5;
    for c in window {
        for byte in (*c as u32).to_le_bytes() {
            hash ^= u32::from(byte);
            hash = hash.wrapping_mul(0x0100_0193);
        }
    }
    hash
}

fn intersection_size(a: &[u32], b: &[u32]) -> usize {
    let (mut i, mut j, mut shared) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                shared += 1;
                i += 1;
                j += 1;
            }
        }
    }
    shared
}

/// Number of slots of a MinHash signature: enough to shortlist candidates,
/// small enough (256 bytes) to keep one per contribution in memory.
const SIGNATURE_SLOTS: usize = 64;

/// A MinHash signature: the share of equal slots of two signatures
/// estimates the Jaccard similarity of their fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature([u32; SIGNATURE_SLOTS]);

impl Signature {
    pub fn of(fingerprint: &Fingerprint) -> Signature {
        let mut slots = [u32::MAX; SIGNATURE_SLOTS];
        for &hash in &fingerprint.0 {
            for (slot, minimum) in slots.iter_mut().enumerate() {
                let mixed = mix(hash, slot as u32);
                if mixed < *minimum {
                    *minimum = mixed;
                }
            }
        }
        Signature(slots)
    }

    pub fn estimate(&self, other: &Signature) -> f64 {
        let equal = self
            .0
            .iter()
            .zip(other.0.iter())
            .filter(|(a, b)| a == b)
            .count();
        equal as f64 / SIGNATURE_SLOTS as f64
    }
}

/// A cheap, fixed permutation of 32-bit hashes, one per slot.
fn mix(hash: u32, slot: u32) -> u32 {
    let mut x = hash ^ slot.wrapping_mul(0x9e37_79b9);
    x ^= x >> 16;
    x = x.wrapping_mul(0x85eb_ca6b);
    x ^= x >> 13;
    x = x.wrapping_mul(0xc2b2_ae35);
    x ^ (x >> 16)
}

#[cfg(test)]
mod tests {
    use super::Fingerprint;

    #[test]
    fn small_edits_accents_and_case_stay_alike() {
        let original = Fingerprint::of(
            "Più piste ciclabili sui viali di circonvallazione, protette e illuminate.",
        );
        let edited = Fingerprint::of(
            "PIU' PISTE CICLABILI sui viali di circonvallazione: protette, illuminate!",
        );
        let unrelated =
            Fingerprint::of("Aprire le biblioteche di quartiere anche la domenica pomeriggio.");
        let close = original.similarity(&edited);
        let far = original.similarity(&unrelated);
        assert!(close > 0.8, "{close}");
        assert!(far < 0.3, "{far}");
        assert_eq!(original.similarity(&original), 1.0);
    }

    #[test]
    fn empty_texts_are_alike_to_nothing() {
        assert_eq!(Fingerprint::of("").similarity(&Fingerprint::of("abc")), 0.0);
        assert!(Fingerprint::of("").is_empty());
    }

    #[test]
    fn signatures_estimate_the_similarity() {
        let a = Fingerprint::of(
            "Più piste ciclabili sui viali di circonvallazione, protette e illuminate.",
        );
        let b = Fingerprint::of(
            "Piu piste ciclabili sui viali di circonvallazione protette e ben illuminate",
        );
        let c = Fingerprint::of("Aprire le biblioteche di quartiere anche la domenica pomeriggio.");
        let (sa, sb, sc) = (
            super::Signature::of(&a),
            super::Signature::of(&b),
            super::Signature::of(&c),
        );
        assert_eq!(sa.estimate(&sa), 1.0);
        assert!(sa.estimate(&sb) > sa.estimate(&sc));
        assert!((sa.estimate(&sb) - a.similarity(&b)).abs() < 0.25);
    }
}
