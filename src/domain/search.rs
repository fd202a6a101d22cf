//! Finding and highlighting words in note text.
//!
//! A query is split into words at whitespace. A text matches when every word
//! occurs somewhere in it, in any order and as part of a longer word ("anx" finds
//! "anxious"). Case is ignored using Unicode lowercase ("ÉTÉ" finds "été");
//! accents are not ("ete" does not find "été"), because in clinical text an
//! accent can change a name or a word.
//!
//! Ranges are byte ranges into the original text, always on character
//! boundaries, so `&text[start..end]` is safe for highlighting.

/// Byte ranges of every occurrence of every query word, sorted, with overlapping
/// or touching ranges merged. Empty when any word is missing (the text does not
/// match) or the query has no words.
///
/// ```
/// use psynotes::domain::search::find_matches;
/// let text = "Client reports Angst; ängstlich in the évening.";
/// assert_eq!(find_matches(text, "ÄNGST"), vec![(22, 28)]); // "ängst", ä is two bytes
/// let ranges = find_matches(text, "angst Évening");
/// let found: Vec<&str> = ranges.iter().map(|&(s, e)| &text[s..e]).collect();
/// assert_eq!(found, ["Angst", "évening"]);
/// ```
pub fn find_matches(haystack: &str, query: &str) -> Vec<(usize, usize)> {
    let folded = FoldedText::new(haystack);
    let mut ranges = Vec::new();
    for word in query.split_whitespace() {
        let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        let before = ranges.len();
        ranges.extend(folded.occurrences(&word));
        if ranges.len() == before {
            return Vec::new();
        }
    }
    merge(ranges)
}

/// Like [`find_matches`], but keeps the ranges of the words that do occur even
/// when others do not: for highlighting a passage of a note that matched as a whole.
pub fn word_ranges(haystack: &str, query: &str) -> Vec<(usize, usize)> {
    let folded = FoldedText::new(haystack);
    let mut ranges = Vec::new();
    for word in query.split_whitespace() {
        let word: Vec<char> = word.chars().flat_map(char::to_lowercase).collect();
        ranges.extend(folded.occurrences(&word));
    }
    merge(ranges)
}

/// Whether every word of the query occurs in the text. An empty query matches
/// everything, so an empty search box filters nothing out.
pub fn matches(haystack: &str, query: &str) -> bool {
    // Called for every note on every keystroke: fold into one string and use the
    // standard substring search, without the position bookkeeping that
    // highlighting needs. Folding is the same character-wise lowercasing.
    let folded = fold(haystack);
    query
        .split_whitespace()
        .all(|word| folded.contains(&fold(word)))
}

/// Whether `folded` (text already passed through [`fold`]) holds every word of
/// `query`. Lets a caller fold many texts once and search them many times.
pub fn matches_folded(folded: &str, query: &str) -> bool {
    query
        .split_whitespace()
        .all(|word| folded.contains(&fold(word)))
}

/// Lowercases `text` character by character, the way every search here compares.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    folded.extend(text.chars().flat_map(char::to_lowercase));
    folded
}

/// The distinct words of many texts, each with the texts it occurs in: a
/// query is answered by scanning the words instead of the whole text.
///
/// A query word holds no whitespace, so it occurs in a folded text exactly
/// when it occurs inside one of that text's whitespace-separated words. This
/// index therefore answers exactly what [`matches_folded`] answers for each
/// text, including parts of words ("anx" finds "anxious"), while reading each
/// distinct word once rather than every copy of it. A clinician's vocabulary is
/// a few thousand words, a year of notes is millions.
#[derive(Debug, Default)]
pub struct WordIndex {
    /// Each distinct folded word, with the texts holding it, ascending.
    words: Vec<(Box<str>, Vec<u32>)>,
    /// How many texts were indexed.
    texts: usize,
}

impl WordIndex {
    /// Indexes `texts` (as written; they are folded here), numbered from 0 in order.
    pub fn new<'a>(texts: impl IntoIterator<Item = &'a str>) -> WordIndex {
        let mut by_word: std::collections::HashMap<Box<str>, Vec<u32>> =
            std::collections::HashMap::new();
        let mut count = 0usize;
        for (number, text) in texts.into_iter().enumerate() {
            count = number + 1;
            let number = number as u32;
            for word in fold(text).split_whitespace() {
                match by_word.get_mut(word) {
                    Some(texts) => {
                        if texts.last() != Some(&number) {
                            texts.push(number);
                        }
                    }
                    None => {
                        by_word.insert(word.into(), vec![number]);
                    }
                }
            }
        }
        WordIndex {
            words: by_word.into_iter().collect(),
            texts: count,
        }
    }

    /// The texts holding every word of `query`, ascending. An empty query
    /// matches every text, as [`matches_folded`] does.
    pub fn matching(&self, query: &str) -> Vec<u32> {
        let mut found: Option<Vec<bool>> = None;
        for word in query.split_whitespace() {
            let word = fold(word);
            let mut here = vec![false; self.texts];
            for (_, texts) in self.words.iter().filter(|(w, _)| w.contains(&*word)) {
                for &t in texts {
                    here[t as usize] = true;
                }
            }
            found = Some(match found {
                None => here,
                Some(before) => before.iter().zip(&here).map(|(a, b)| *a && *b).collect(),
            });
        }
        match found {
            None => (0..self.texts as u32).collect(),
            Some(found) => found
                .iter()
                .enumerate()
                .filter(|(_, &f)| f)
                .map(|(t, _)| t as u32)
                .collect(),
        }
    }
}

/// The text lowercased character by character, remembering for each lowercase
/// character the byte range of the original character it came from. Lowercasing
/// can change a character's length ('İ' becomes two characters), so positions in
/// the lowercased text cannot be used on the original directly.
struct FoldedText {
    chars: Vec<char>,
    origin: Vec<(usize, usize)>,
}

impl FoldedText {
    fn new(text: &str) -> Self {
        let mut chars = Vec::with_capacity(text.len());
        let mut origin = Vec::with_capacity(text.len());
        for (start, c) in text.char_indices() {
            let end = start + c.len_utf8();
            for lower in c.to_lowercase() {
                chars.push(lower);
                origin.push((start, end));
            }
        }
        FoldedText { chars, origin }
    }

    /// Original byte ranges of each occurrence of `word` (already lowercased),
    /// overlapping occurrences included.
    fn occurrences<'a>(&'a self, word: &'a [char]) -> impl Iterator<Item = (usize, usize)> + 'a {
        let starts = if word.is_empty() {
            0
        } else {
            (self.chars.len() + 1).saturating_sub(word.len())
        };
        (0..starts)
            .filter(move |&i| self.chars[i..].starts_with(word))
            .map(move |i| (self.origin[i].0, self.origin[i + word.len() - 1].1))
    }
}

fn merge(mut ranges: Vec<(usize, usize)>) -> Vec<(usize, usize)> {
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (start, end) in ranges {
        match merged.last_mut() {
            Some(last) if start <= last.1 => last.1 = last.1.max(end),
            _ => merged.push((start, end)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    #[test]
    fn word_ranges_keeps_the_words_found_even_when_others_are_missing() {
        let text = "Slept badly; slept better by Friday.";
        assert_eq!(super::find_matches(text, "slept nowhere"), vec![]);
        let found: Vec<&str> = super::word_ranges(text, "slept nowhere")
            .iter()
            .map(|&(s, e)| &text[s..e])
            .collect();
        assert_eq!(found, ["Slept", "slept"]);
    }

    use super::*;

    fn found<'a>(text: &'a str, query: &str) -> Vec<&'a str> {
        find_matches(text, query)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn every_word_must_occur() {
        let text = "Client anxious about the interview; sleep poor.";
        assert!(matches(text, "anx SLEEP"));
        assert!(matches(text, "sleep anxious"));
        assert!(!matches(text, "anxious appetite"));
        assert_eq!(find_matches(text, "anxious appetite"), vec![]);
        assert_eq!(found(text, "sleep anx"), ["anx", "sleep"]);
    }

    #[test]
    fn empty_query() {
        assert!(matches("anything", "  "));
        assert_eq!(find_matches("anything", ""), vec![]);
        assert!(!matches("", "x"));
    }

    #[test]
    fn every_occurrence_is_found_and_overlaps_merged() {
        let text = "panic, PANIC attacks, panicky";
        assert_eq!(found(text, "panic"), ["panic", "PANIC", "panic"]);
        assert_eq!(find_matches("aaaa", "aa"), vec![(0, 4)]);
        // "cli" and "client" overlap; "ent" touches nothing else.
        assert_eq!(found("client", "cli ent"), ["client"]);
        assert_eq!(found("ab cd", "ab cd"), ["ab", "cd"]);
    }

    #[test]
    fn non_ascii_text_and_queries() {
        let text = "Élodie dit: «Ça va mieux», puis ÇA recommence. Straße. 不安が強い";
        assert_eq!(found(text, "élodie"), ["Élodie"]);
        assert_eq!(found(text, "ça"), ["Ça", "ÇA"]);
        assert_eq!(found(text, "STRASSE"), Vec::<&str>::new());
        assert_eq!(found(text, "straße"), ["Straße"]);
        assert_eq!(found(text, "不安"), ["不安"]);
        assert!(!matches(text, "elodie"), "accents are significant");
    }

    #[test]
    fn lowercase_that_changes_length_keeps_char_boundaries() {
        // 'İ' (2 bytes) lowercases to "i̇" (two chars, 3 bytes).
        let text = "İstanbul trip; İİ";
        assert_eq!(found(text, "i̇stanbul"), ["İstanbul"]);
        // A match that starts inside an expansion still covers whole characters.
        assert_eq!(found(text, "\u{307}stan"), ["İstan"]);
        for (s, e) in find_matches(text, "i \u{307}") {
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        }
    }

    #[test]
    fn word_longer_than_text() {
        assert!(!matches("ab", "abc"));
        assert_eq!(find_matches("", "abc"), vec![]);
    }

    #[test]
    fn word_index_answers_what_matches_folded_answers() {
        let texts = [
            "Client anxious about the interview; sleep poor.",
            "Panic, PANIC attacks, panicky. Élodie dit: «Ça va mieux».",
            "İstanbul trip; İİ\tStraße\nnew-line text",
            "",
            "   ",
            "anx",
            "不安が強い  grounding-exercise homework",
        ];
        let index = WordIndex::new(texts.iter().copied());
        let queries = [
            "",
            "  ",
            "anx",
            "ANX sleep",
            "panic",
            "ça élodie",
            "i\u{307}stan",
            "\u{307}",
            "straße",
            "STRASSE",
            "e-l",
            "不安",
            "grounding homework",
            "exercise-home",
            "x",
            "anxious appetite",
            ";",
            "«ça",
        ];
        for query in queries {
            let expected: Vec<u32> = texts
                .iter()
                .enumerate()
                .filter(|(_, t)| matches_folded(&fold(t), query))
                .map(|(i, _)| i as u32)
                .collect();
            assert_eq!(index.matching(query), expected, "query {query:?}");
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn word_index_agrees_with_a_scan(
            texts in proptest::collection::vec("[aAbBİß ç\\n-]{0,24}", 0..8),
            query in "[aAbBİß ç-]{0,6}",
        ) {
            let index = WordIndex::new(texts.iter().map(String::as_str));
            let expected: Vec<u32> = texts
                .iter()
                .enumerate()
                .filter(|(_, t)| matches_folded(&fold(t), &query))
                .map(|(i, _)| i as u32)
                .collect();
            proptest::prop_assert_eq!(index.matching(&query), expected);
        }
    }
}
