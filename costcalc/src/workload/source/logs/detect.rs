//! Which format a line looks like: each parser tried in turn, the first that reads it wins
//! (Combined before CLF: a Combined line is not a CLF line, see `clf`).

use super::{Format, alb, apigw, clf, cloudfront};

/// A comment or header line of any format (CloudFront's `#Version` and `#Fields`), or an empty
/// one: not a request, not a bad line.
pub fn is_comment(line: &str) -> bool {
    let t = line.trim();
    t.is_empty() || t.starts_with('#')
}

pub fn detect(line: &str) -> Option<Format> {
    if alb::parse(line).is_some() {
        return Some(Format::Alb);
    }
    if line.contains('{') {
        if apigw::parse(line, false).is_some() {
            return Some(Format::ApigwHttp);
        }
        if apigw::parse(line, true).is_some() {
            return Some(Format::ApigwRest);
        }
    }
    if line.contains('\t') && cloudfront::parse(line).is_some() {
        return Some(Format::Cloudfront);
    }
    if clf::parse(line, true).is_some() {
        return Some(Format::Combined);
    }
    clf::parse(line, false).map(|_| Format::Clf)
}
