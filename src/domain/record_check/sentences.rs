//! Sentences of a note as byte ranges, and moving one sentence out of a text.
//!
//! Notes are written fast: lines without a full stop, bullet lists, "2:00 p.m.",
//! "Dr. Lee", "e.g.". A sentence ends at a line break, or at `.`, `!` or `?` followed
//! by a space (or the end) and then something that can start a sentence. A full stop
//! after a known abbreviation, or followed by a lowercase word, does not end one.

use serde::{Deserialize, Serialize};

/// A byte range of a text, always on character boundaries, so `&text[span.range()]`
/// is safe for highlighting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start..self.end
    }

    /// The spanned text; empty if the span does not fit `text` (a stale finding
    /// after an edit), never a panic.
    pub fn of<'a>(&self, text: &'a str) -> &'a str {
        text.get(self.range()).unwrap_or("")
    }
}

/// Words whose full stop is not the end of a sentence (lowercase, without the dot).
const ABBREVIATIONS: &[&str] = &[
    "dr", "mr", "mrs", "ms", "mx", "prof", "st", "vs", "etc", "approx", "e.g", "i.e", "a.m", "p.m",
    "no", "pt", "hx", "dx", "tx", "sx", "min", "hr", "hrs", "wk", "wks", "mo", "yr", "yrs", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Characters that may follow the end mark and still belong to the sentence.
fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | ')' | ']' | '”' | '’' | '»')
}

/// Every sentence of `text`, in order, trimmed of surrounding spaces and of a
/// leading list marker ("- ", "* ", "• ", "1. ", "2) ").
///
/// ```
/// use psynotes::domain::record_check::sentences;
/// let text = "Met at 2:00 p.m. with Dr. Lee. She cried!\n- sleep poor";
/// let found: Vec<&str> = sentences(text).iter().map(|s| s.of(text)).collect();
/// assert_eq!(found, ["Met at 2:00 p.m. with Dr. Lee.", "She cried!", "sleep poor"]);
/// ```
pub fn sentences(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let line_end = line_start + line.trim_end_matches(['\n', '\r']).len();
        let content_start = line_start + list_marker_len(&text[line_start..line_end]);
        split_line(text, content_start, line_end, &mut spans);
        line_start += line.len();
    }
    spans
}

/// Bytes of leading spaces and list marker on a line.
fn list_marker_len(line: &str) -> usize {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let marker = if let Some(rest) = trimmed
        .strip_prefix(['-', '*', '•', '–', '·'])
        .filter(|rest| rest.starts_with(char::is_whitespace))
    {
        trimmed.len() - rest.len()
    } else {
        let digits = trimmed.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &trimmed[digits..];
        if (1..=2).contains(&digits)
            && (rest.starts_with(". ") || rest.starts_with(") ") || rest.starts_with(".\t"))
        {
            digits + 1
        } else {
            0
        }
    };
    let after = &line[indent + marker..];
    indent + marker + (after.len() - after.trim_start().len())
}

fn split_line(text: &str, start: usize, end: usize, spans: &mut Vec<Span>) {
    let line = &text[start..end];
    let mut sentence_start = 0;
    let mut chars = line.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // Take the whole run of marks and closers: "?!", "...", `."`.
        let mut mark_end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if matches!(next, '.' | '!' | '?') || is_closer(next) {
                mark_end = j + next.len_utf8();
                chars.next();
            } else {
                break;
            }
        }
        let rest = &line[mark_end..];
        let followed_by_space = rest.is_empty() || rest.starts_with(char::is_whitespace);
        if !followed_by_space {
            continue; // "2.5", "F41.1", "p.m" inside a word
        }
        let next_word = rest.trim_start();
        let starts_lowercase = next_word.starts_with(char::is_lowercase);
        if c == '.' && (starts_lowercase || is_abbreviation(&line[sentence_start..i])) {
            continue;
        }
        push(text, start + sentence_start, start + mark_end, spans);
        sentence_start = mark_end;
    }
    push(text, start + sentence_start, end, spans);
}

/// Whether the text before a full stop ends with an abbreviation ("Dr", "e.g") or
/// an initial ("J" in "J. Smith").
fn is_abbreviation(before: &str) -> bool {
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphabetic() || *c == '.')
        .last()
        .map_or(before.len(), |(i, _)| i);
    // "can't." ends with the letter t, but it is not a word of its own.
    let standalone = before[..word_start]
        .chars()
        .next_back()
        .is_none_or(|c| c.is_whitespace() || matches!(c, '(' | '"' | '“'));
    let word = before[word_start..].to_lowercase();
    standalone && (ABBREVIATIONS.contains(&word.as_str()) || word.chars().count() == 1)
}

fn push(text: &str, start: usize, end: usize, spans: &mut Vec<Span>) {
    let piece = &text[start..end];
    let trimmed = piece.trim();
    if !trimmed.chars().any(char::is_alphanumeric) {
        return;
    }
    let start = start + (piece.len() - piece.trim_start().len());
    spans.push(Span {
        start,
        end: start + trimmed.len(),
    });
}

/// Removes a sentence from `text` and returns what is left and the sentence.
///
/// The space that separated it from its neighbour goes too, and so does its line if
/// nothing but a list marker is left on it, so moving sentences out one by one leaves
/// a tidy text. A span that does not fit `text` (stale after an edit) changes
/// nothing and moves nothing.
pub fn take_sentence(text: &str, sentence: Span) -> (String, String) {
    let Some(moved) = text.get(sentence.range()) else {
        return (text.to_owned(), String::new());
    };
    let line_start = text[..sentence.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[sentence.end..]
        .find('\n')
        .map_or(text.len(), |i| sentence.end + i);
    let before = &text[line_start..sentence.start];
    let after = &text[sentence.end..line_end];
    let line_left = format!("{before}{after}");
    let only_marker = list_marker_len(&line_left) == line_left.len();
    let remaining = if only_marker {
        // Drop the whole line with one of its line breaks.
        let (cut_start, cut_end) = if line_end < text.len() {
            (line_start, line_end + 1)
        } else if line_start > 0 {
            (line_start - 1, line_end)
        } else {
            (line_start, line_end)
        };
        format!("{}{}", &text[..cut_start], &text[cut_end..])
    } else {
        let spaces_after = after.len() - after.trim_start().len();
        if spaces_after > 0 && !after.trim().is_empty() {
            format!(
                "{}{}",
                &text[..sentence.start],
                &text[sentence.end + spaces_after..]
            )
        } else {
            let spaces_before = before.len() - before.trim_end().len();
            format!(
                "{}{}",
                &text[..sentence.start - spaces_before],
                &text[sentence.end..]
            )
        }
    };
    (remaining, moved.to_owned())
}

/// `target` with `sentence` added on a line of its own at the end.
pub fn append_sentence(target: &str, sentence: &str) -> String {
    let sentence = sentence.trim();
    if target.trim().is_empty() {
        sentence.to_owned()
    } else if target.ends_with('\n') {
        format!("{target}{sentence}")
    } else {
        format!("{target}\n{sentence}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| s.of(text)).collect()
    }

    #[test]
    fn ends_sentences_at_marks_and_line_breaks() {
        assert_eq!(
            split("She cried. Then laughed! Why now?  Unclear"),
            ["She cried.", "Then laughed!", "Why now?", "Unclear"]
        );
        assert_eq!(
            split("line one\nline two\r\n\nthree."),
            ["line one", "line two", "three."]
        );
        assert_eq!(split("  \n \n"), Vec::<&str>::new());
        assert_eq!(split(""), Vec::<&str>::new());
    }

    #[test]
    fn keeps_abbreviations_times_decimals_and_codes_inside() {
        assert_eq!(
            split("Seen by Dr. Lee at 2:00 p.m. on Monday. Dose 2.5 mg."),
            ["Seen by Dr. Lee at 2:00 p.m. on Monday.", "Dose 2.5 mg."]
        );
        assert_eq!(
            split("Stressors, e.g. work, remain. Dx F41.1 noted."),
            ["Stressors, e.g. work, remain.", "Dx F41.1 noted."]
        );
        assert_eq!(
            split("Talked with J. Smith today."),
            ["Talked with J. Smith today."]
        );
        assert_eq!(
            split("Approx. three weeks ago she moved. ok. Then"),
            ["Approx. three weeks ago she moved. ok.", "Then"]
        );
    }

    #[test]
    fn closing_quotes_and_repeated_marks_stay_with_the_sentence() {
        assert_eq!(
            split("She said \"I can't.\" Then silence... Really?! Yes."),
            [
                "She said \"I can't.\"",
                "Then silence...",
                "Really?!",
                "Yes."
            ]
        );
    }

    #[test]
    fn list_markers_are_not_part_of_the_sentence() {
        let text = "- poor sleep\n* appetite down\n• tearful\n1. PHQ-9 14\n2) GAD-7 9\n-no space";
        assert_eq!(
            split(text),
            [
                "poor sleep",
                "appetite down",
                "tearful",
                "PHQ-9 14",
                "GAD-7 9",
                "-no space"
            ]
        );
    }

    #[test]
    fn spans_are_on_char_boundaries_with_non_ascii_text() {
        let text = "Élodie a pleuré. «Ça va»! 不安が強い。\nZoë slept.";
        for span in sentences(text) {
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
        }
        assert_eq!(
            split(text),
            ["Élodie a pleuré.", "«Ça va»!", "不安が強い。", "Zoë slept."]
        );
    }

    #[test]
    fn taking_a_sentence_leaves_tidy_text() {
        let text = "First one. Second one. Third one.";
        let spans = sentences(text);
        assert_eq!(
            take_sentence(text, spans[1]),
            ("First one. Third one.".into(), "Second one.".into())
        );
        assert_eq!(
            take_sentence(text, spans[2]),
            ("First one. Second one.".into(), "Third one.".into())
        );
        assert_eq!(
            take_sentence(text, spans[0]),
            ("Second one. Third one.".into(), "First one.".into())
        );

        let text = "- keep\n- move me\n- keep too";
        let spans = sentences(text);
        assert_eq!(take_sentence(text, spans[1]).0, "- keep\n- keep too");
        assert_eq!(take_sentence(text, spans[2]).0, "- keep\n- move me");
        assert_eq!(take_sentence(text, spans[0]).0, "- move me\n- keep too");
        assert_eq!(take_sentence("only", sentences("only")[0]).0, "");

        let stale = Span { start: 5, end: 500 };
        assert_eq!(
            take_sentence("short", stale),
            ("short".into(), String::new())
        );
        assert_eq!(stale.of("short"), "");
    }

    #[test]
    fn appending_puts_the_sentence_on_its_own_line() {
        assert_eq!(append_sentence("", " PHQ-9 was 14. "), "PHQ-9 was 14.");
        assert_eq!(
            append_sentence("Plan.", "PHQ-9 was 14."),
            "Plan.\nPHQ-9 was 14."
        );
        assert_eq!(
            append_sentence("Plan.\n", "PHQ-9 was 14."),
            "Plan.\nPHQ-9 was 14."
        );
    }
}
