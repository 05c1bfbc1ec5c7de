//! Text that came from an input file (a profile name, an overload reason, a tune.json's reason, a
//! region) shown in the terminal and Markdown forms: on one line, with no control character (a
//! terminal escape) and, in Markdown, no raw HTML.

pub use crate::input_file::one_line;

/// `one_line`, with `<`, `>` and `&` as entities so Markdown renders them as text, not HTML.
pub fn md(s: &str) -> String {
    one_line(s)
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    #[test]
    fn input_text_stays_on_its_line_and_is_not_markup() {
        let hostile = "steady\n# Injected <script>alert(1)</script>\x1b[2J";
        assert_eq!(
            super::md(hostile),
            "steady # Injected &lt;script&gt;alert(1)&lt;/script&gt; [2J"
        );
        assert_eq!(super::one_line("a\r\nb\tc"), "a  b c");
    }
}
