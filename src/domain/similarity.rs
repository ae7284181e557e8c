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

/// Locality-sensitive hashing of the MinHash signature: [`BANDS`] bands of
/// [`SLOTS_PER_BAND`] slots each. Two texts share a band's key with
/// probability s^5 (s their Jaccard similarity), so at least one of the 16
/// with probability 1 − (1 − s^5)^16: 0.95 at s = 0.7, 0.73 at 0.6, 0.40
/// at 0.5, 0.0002 at 0.2. Chosen on 100,000 demo contributions, a corpus
/// dense with alike texts: 4 slots per band made four times the candidates,
/// 6 lost too many of the best matches.
pub const BANDS: usize = 16;
pub const SLOTS_PER_BAND: usize = 5;
const SIGNATURE_SLOTS: usize = BANDS * SLOTS_PER_BAND;

/// A MinHash signature: the share of equal slots of two signatures
/// estimates the Jaccard similarity of their fingerprints.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Signature([u32; SIGNATURE_SLOTS]);

impl Signature {
    fn of(fingerprint: &Fingerprint) -> Signature {
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
}

impl Fingerprint {
    /// The fingerprint of a contribution: its title and body together.
    pub fn of_contribution(title: &str, body: &str) -> Fingerprint {
        Fingerprint::of(&format!("{title}\n{body}"))
    }

    /// The keys under which near-duplicates of this text are found: one per
    /// band, each a hash of the band's number and slots (so equal slots in
    /// different bands do not meet). None for a text without trigrams.
    pub fn band_keys(&self) -> Vec<i64> {
        if self.is_empty() {
            return Vec::new();
        }
        let signature = Signature::of(self);
        signature
            .0
            .chunks(SLOTS_PER_BAND)
            .enumerate()
            .map(|(band, slots)| band_key(band, slots))
            .collect()
    }
}

/// FNV-1a over the band's number and its slots, 64 bits, stored as a
/// signed integer (both backends' BIGINT).
fn band_key(band: usize, slots: &[u32]) -> i64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let bytes = (band as u32)
        .to_le_bytes()
        .into_iter()
        .chain(slots.iter().flat_map(|slot| slot.to_le_bytes()));
    for byte in bytes {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    hash as i64
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
    fn near_duplicates_share_band_keys_and_unrelated_texts_none() {
        let keys = |title: &str, body: &str| Fingerprint::of_contribution(title, body).band_keys();
        let original = keys(
            "Più piste ciclabili sui viali di circonvallazione",
            "Chiedo piste ciclabili protette e illuminate sui viali, collegate alla tramvia e ai parcheggi scambiatori.",
        );
        let copy = keys(
            "PIU' PISTE CICLABILI sui viali di circonvallazione!",
            "Chiedo piste ciclabili protette, illuminate, sui viali; collegate alla tramvia e ai parcheggi scambiatori",
        );
        let unrelated = keys(
            "Biblioteche aperte la domenica",
            "Aprire le biblioteche di quartiere anche la domenica pomeriggio, con attività per bambini.",
        );
        let shared = |a: &[i64], b: &[i64]| a.iter().zip(b).filter(|(x, y)| x == y).count();
        assert_eq!(original.len(), super::BANDS);
        assert_eq!(shared(&original, &original), super::BANDS);
        assert!(shared(&original, &copy) >= 1);
        assert_eq!(shared(&original, &unrelated), 0);
        assert!(Fingerprint::of("").band_keys().is_empty());
    }

    #[test]
    fn band_keys_are_stable_across_versions() {
        // Stored with every contribution: a change here needs a migration
        // that recomputes them all.
        let keys = Fingerprint::of_contribution("Titolo", "Testo del contributo").band_keys();
        assert_eq!(
            keys[..2],
            [-2_231_061_777_085_239_591, 8_554_111_257_357_622_306]
        );
    }
}
