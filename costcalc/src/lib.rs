//! costcalc: see README.md.
